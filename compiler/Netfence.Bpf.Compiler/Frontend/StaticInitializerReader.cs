using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// Reads a static constructor the way the C# compiler writes field initialisers (constants pushed, optionally a
/// newobj, then stsfld), recording for each field the constant or the map construction it receives. Anything else
/// marks the field as not constant-initialised.
/// </summary>
internal sealed class StaticInitializerReader(TypeDefinition type)
{
    public sealed record NewMap(MethodReference Constructor, long[] Arguments);

    public sealed record Value(long? Constant, NewMap? Map, string? Problem, SourcePosition? Position);

    public Dictionary<FieldDefinition, Value> Read()
    {
        var result = new Dictionary<FieldDefinition, Value>();
        var cctor = type.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic && m.HasBody);
        if (cctor is null) return result;
        var points = new SequencePoints(cctor);
        var stack = new Stack<object?>();
        string? problem = null;
        foreach (var i in cctor.Body.Instructions)
        {
            switch (i.OpCode.Code)
            {
                case Code.Nop: break;
                case Code.Ret: return result;
                case Code.Stsfld:
                {
                    var field = SdkMetadata.Resolve(((FieldReference)i.Operand).DeclaringType)?.Fields.FirstOrDefault(f => f.Name == ((FieldReference)i.Operand).Name);
                    var value = stack.Count > 0 ? stack.Pop() : null;
                    if (field is not null)
                    {
                        result[field] = problem is not null
                            ? new Value(null, null, problem, points.At(i.Offset))
                            : value switch
                            {
                                long c => new Value(c, null, null, points.At(i.Offset)),
                                NewMap m => new Value(null, m, null, points.At(i.Offset)),
                                _ => new Value(null, null, "is not initialised with constant arguments", points.At(i.Offset)),
                            };
                    }
                    stack.Clear();
                    problem = null;
                    break;
                }
                case Code.Newobj:
                {
                    var ctor = (MethodReference)i.Operand;
                    var args = new long[ctor.Parameters.Count];
                    for (int k = args.Length - 1; k >= 0; k--)
                    {
                        if (stack.Count > 0 && stack.Pop() is long c) args[k] = c;
                        else problem ??= $"passes a non-constant argument '{ctor.Parameters[k].Name}' to its constructor";
                    }
                    stack.Push(new NewMap(ctor, args));
                    break;
                }
                case Code.Conv_I1: Convert(stack, v => (sbyte)v); break;
                case Code.Conv_U1: Convert(stack, v => (byte)v); break;
                case Code.Conv_I2: Convert(stack, v => (short)v); break;
                case Code.Conv_U2: Convert(stack, v => (ushort)v); break;
                case Code.Conv_I4: Convert(stack, v => (int)v); break;
                case Code.Conv_U4: Convert(stack, v => (uint)v); break;
                case Code.Conv_I8 or Code.Conv_I: Convert(stack, v => v); break;
                case Code.Conv_U8 or Code.Conv_U: Convert(stack, v => (long)(uint)v); break;
                default:
                    if (Constants.TryGetConstant(i, out var constant)) stack.Push(constant);
                    else
                    {
                        problem ??= $"is initialised by code ({i.OpCode.Name}), not by a constant";
                        // Keep the stack shape plausible so the following stsfld still names the right field.
                        stack.Push(null);
                    }
                    break;
            }
        }
        return result;
    }

    static void Convert(Stack<object?> stack, Func<long, long> f)
    {
        if (stack.Count > 0 && stack.Peek() is long v)
        {
            stack.Pop();
            stack.Push(f(v));
        }
    }
}
