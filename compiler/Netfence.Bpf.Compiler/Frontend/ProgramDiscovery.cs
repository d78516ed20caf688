using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// Finds what one assembly contributes to its object: the [Program] methods, the map and configuration fields of BPF
/// code types (read from their static constructors), and the license.
/// </summary>
internal sealed class ProgramDiscovery(ModuleDefinition module, DiagnosticBag diagnostics)
{
    public List<ProgramDeclaration> Programs { get; } = [];

    public Dictionary<FieldDefinition, MapDeclaration> Maps { get; } = [];

    public Dictionary<FieldDefinition, ConfigVariable> Config { get; } = [];

    public string License { get; private set; } = "GPL";

    /// <summary>Types whose methods are BPF code: they declare a program or carry [BpfCode].</summary>
    public HashSet<TypeDefinition> CodeTypes { get; } = [];

    public void Run()
    {
        ReadLicense();
        foreach (var type in module.GetTypes())
        {
            bool code = SdkMetadata.Has(type, SdkMetadata.BpfCodeAttribute);
            foreach (var method in type.Methods)
            {
                if (SdkMetadata.Find(method, SdkMetadata.ProgramAttribute) is not { } attribute) continue;
                code = true;
                if (ReadProgram(method, attribute) is { } program) Programs.Add(program);
            }
            if (!code) continue;
            CodeTypes.Add(type);
            ReadStaticFields(type);
        }
        foreach (var clash in Programs.GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            foreach (var p in clash.Skip(1))
                diagnostics.Report(DiagnosticCatalogue.ProgramSignature, SequencePoints.Of(p.Method), p.Name, p.ContextType.Name,
                    "another program has the same name, and program names are the object's function symbols");
        }
        foreach (var clash in Maps.Values.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            foreach (var m in clash.Skip(1))
                diagnostics.Report(DiagnosticCatalogue.MapFieldDeclaration, null, m.Field.DeclaringType.Name + "." + m.Name,
                    "has the same name as another map, and map names are the object's map symbols");
        }
    }

    void ReadLicense()
    {
        if (SdkMetadata.Find(module.Assembly, SdkMetadata.LicenseAttribute) is { } a && a.ConstructorArguments.Count == 1)
            License = SdkMetadata.Argument<string>(a, 0);
        else if (module.GetTypes().Select(t => SdkMetadata.Find(t, SdkMetadata.LicenseAttribute)).FirstOrDefault(x => x is not null) is { } t
                 && t.ConstructorArguments.Count == 1)
            License = SdkMetadata.Argument<string>(t, 0);
    }

    ProgramDeclaration? ReadProgram(MethodDefinition method, CustomAttribute attribute)
    {
        var position = SequencePoints.Of(method);
        var hookArgument = attribute.ConstructorArguments[0];
        var hookType = SdkMetadata.Resolve(hookArgument.Type);
        var hookField = hookType?.Fields.FirstOrDefault(f => f.HasConstant && Equals(f.Constant, hookArgument.Value));
        if (hookField is null || SdkMetadata.Find(hookField, SdkMetadata.HookInfoAttribute) is not { } info)
        {
            diagnostics.Report(DiagnosticCatalogue.ProgramSignature, position, method.Name, "Context", $"hook value {hookArgument.Value} has no [HookInfo]");
            return null;
        }
        var hook = SdkMetadata.Argument<string>(info, 0);
        var section = SdkMetadata.Argument<string>(info, 1);
        var programType = SdkMetadata.Argument<int>(info, 2);
        var attachType = SdkMetadata.Argument<int>(info, 3);
        var contextType = SdkMetadata.Resolve(SdkMetadata.Argument<TypeReference>(info, 5))!;
        string? problem = null;
        if (!method.IsStatic) problem = "it is not static";
        else if (!method.IsPublic) problem = "it is not public";
        else if (method.ReturnType.MetadataType != MetadataType.Int32) problem = "it does not return int";
        else if (method.HasGenericParameters) problem = "it is generic";
        else if (method.Parameters.Count != 1) problem = $"it takes {method.Parameters.Count} parameters";
        else if (method.Parameters[0].ParameterType.FullName != contextType.FullName)
            problem = $"its parameter is '{method.Parameters[0].ParameterType.Name}', but {hookField.Name} programs receive {contextType.Name}";
        if (problem is not null)
        {
            diagnostics.Report(DiagnosticCatalogue.ProgramSignature, position, method.Name, contextType.Name, problem);
            return null;
        }
        return new ProgramDeclaration(method, method.Name, hook, section, programType, attachType, contextType);
    }

    void ReadStaticFields(TypeDefinition type)
    {
        var values = new StaticInitializerReader(type).Read();
        foreach (var field in type.Fields.Where(f => f.IsStatic && !f.IsLiteral))
        {
            var position = values.TryGetValue(field, out var v) ? v.Position : SequencePoints.Of(type.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic) ?? type.Methods.FirstOrDefault(m => m.HasBody) ?? type.Methods[0]);
            if (SdkMetadata.MapType(field.FieldType) is { } mapType)
            {
                ReadMap(field, mapType, values.GetValueOrDefault(field), position);
                continue;
            }
            // Mutable statics are reported where BPF code touches them; only readonly primitives are configuration.
            if (!field.IsInitOnly || TypeLayout.ScalarSize(field.FieldType) is not { } size) continue;
            if (values.GetValueOrDefault(field) is not { Constant: { } constant })
            {
                if (values.ContainsKey(field) || field.DeclaringType.Methods.Any(m => m.IsConstructor && m.IsStatic))
                    diagnostics.Report(DiagnosticCatalogue.ConfigFieldInitializer, position, field.Name);
                else
                    Config[field] = new ConfigVariable(field, field.Name, size, TypeLayout.IsSignedSmall(field.FieldType), new byte[size]);
                continue;
            }
            var bytes = BitConverter.GetBytes(constant).AsSpan(0, size).ToArray();
            Config[field] = new ConfigVariable(field, field.Name, size, TypeLayout.IsSignedSmall(field.FieldType), bytes);
        }
    }

    void ReadMap(FieldDefinition field, int mapType, StaticInitializerReader.Value? value, IR.SourcePosition? position)
    {
        string name = field.DeclaringType.Name + "." + field.Name;
        if (!field.IsInitOnly)
        {
            diagnostics.Report(DiagnosticCatalogue.MapFieldDeclaration, position, name, "is not readonly");
            return;
        }
        if (value?.Map is not { } map)
        {
            diagnostics.Report(DiagnosticCatalogue.MapFieldDeclaration, position, name,
                value?.Problem ?? "is not initialised with 'new' and constant arguments in its declaration");
            return;
        }
        uint maxEntries = 0, flags = 0, pinning = 0;
        bool haveEntries = false;
        var parameters = map.Constructor.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].ParameterType;
            var arg = (uint)map.Arguments[i];
            if (p.FullName == SdkMetadata.MapFlagsType) flags = arg;
            else if (p.FullName == SdkMetadata.MapPinningType) pinning = arg;
            else if (!haveEntries && p.MetadataType == MetadataType.UInt32)
            {
                maxEntries = arg;
                haveEntries = true;
            }
        }
        if (mapType == LpmTrieMapType) flags |= NoPreallocFlag;
        TypeReference? keyType = null, valueType = null;
        if (field.FieldType is GenericInstanceType generic)
        {
            var args = generic.GenericArguments;
            // One type argument: a value indexed by u32 (arrays); two: key and value.
            if (args.Count == 1)
                (keyType, valueType) = (field.Module.TypeSystem.UInt32, args[0]);
            else if (args.Count == 2)
                (keyType, valueType) = (args[0], args[1]);
        }
        string symbol = field.Name;
        if (SdkMetadata.Find(field, SdkMetadata.MapNameAttribute) is { } named)
        {
            symbol = SdkMetadata.Argument<string>(named, 0);
            if (symbol.Length is 0 or > MaxObjectName || !symbol.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                diagnostics.Report(DiagnosticCatalogue.MapFieldDeclaration, position, name,
                    $"is named '{symbol}', but a map name has 1 to {MaxObjectName} letters, digits, '_' or '.'");
                return;
            }
        }
        int keySize = keyType is null ? 0 : TypeLayout.SizeOf(keyType), valueSize = valueType is null ? 0 : TypeLayout.SizeOf(valueType);
        Maps[field] = new MapDeclaration(field, symbol, mapType, maxEntries, flags, pinning, keySize, valueSize, keyType, valueType);
    }

    // The kernel refuses an LPM trie without BPF_F_NO_PREALLOC and the SDK's constructor always adds it, so the object
    // must carry it even when the declaration passes other flags.
    const int LpmTrieMapType = 11;

    // BPF_OBJ_NAME_LEN less the terminating zero.
    const int MaxObjectName = 15;
    const uint NoPreallocFlag = 1;
}
