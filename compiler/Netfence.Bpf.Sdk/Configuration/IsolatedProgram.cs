using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// Runs a program type in .NET with chosen values for its <c>static readonly</c> configuration fields, the .NET
/// twin of the loader patching .rodata before BPF_PROG_LOAD.
/// </summary>
/// <remarks>
/// Why a fresh load context instead of setting the fields in place: once a type is initialised the JIT treats its
/// static readonly primitives as constants and folds them into compiled code, so a later write (by reflection or
/// otherwise) may or may not be seen. A private, collectible copy of the program's assembly gets the values written
/// right after its static constructor and before any of its methods is compiled, so every method sees them, exactly
/// like a program loaded with patched .rodata. The SDK itself stays shared with the caller (maps and
/// <see cref="BpfRuntime"/> behave the same), and the program's own maps are fresh per copy.
/// </remarks>
[ManagedOnly]
public sealed class IsolatedProgram : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private IsolatedProgram(AssemblyLoadContext context, Type type)
    {
        _context = context;
        Type = type;
    }

    /// <summary>The program type as loaded in the private context.</summary>
    public Type Type { get; }

    /// <summary>
    /// Loads a private copy of <paramref name="programType"/> and sets the named static readonly fields to the given
    /// values (each must be of the field's exact type; for an enum the program declares, the caller's own view of it).
    /// </summary>
    public static IsolatedProgram Load(Type programType, IReadOnlyDictionary<string, object> configuration)
    {
        ArgumentNullException.ThrowIfNull(programType);
        ArgumentNullException.ThrowIfNull(configuration);
        var location = programType.Assembly.Location;
        if (string.IsNullOrEmpty(location))
            throw new ArgumentException($"{programType.Assembly.GetName().Name} has no file to load a private copy from", nameof(programType));

        var context = new AssemblyLoadContext($"netfence-config:{programType.FullName}", isCollectible: true);
        var type = context.LoadFromAssemblyPath(location).GetType(programType.FullName!, throwOnError: true)!;
        RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        foreach (var (name, value) in configuration)
            Store(type, name, value);
        return new IsolatedProgram(context, type);
    }

    /// <summary>Binds the static program method <paramref name="methodName"/> of the private copy to a delegate.</summary>
    public TDelegate Bind<TDelegate>(string methodName) where TDelegate : Delegate
    {
        var method = Type.GetMethod(methodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                     ?? throw new ArgumentException($"{Type.FullName} has no static method {methodName}", nameof(methodName));
        return method.CreateDelegate<TDelegate>();
    }

    /// <summary>Reads a static field of the private copy (a configuration value or a map).</summary>
    public object? Field(string name) => StaticField(Type, name).GetValue(null);

    /// <summary>Lets the private copy be unloaded once nothing refers to it.</summary>
    public void Dispose() => _context.Unload();

    private static FieldInfo StaticField(Type type, string name) =>
        type.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new ArgumentException($"{type.FullName} has no static field {name}", nameof(name));

    private static void Store(Type type, string name, object value)
    {
        var field = StaticField(type, name);
        var fieldType = field.FieldType;
        if (!field.IsInitOnly || !(fieldType.IsPrimitive || fieldType.IsEnum))
            throw new ArgumentException($"{name} is not a static readonly primitive or enum field", nameof(name));
        if (fieldType != value.GetType())
        {
            // An enum declared by the program's own assembly is a distinct Type in the private context: the caller
            // can only pass its twin from the default context, which is the same enum and converts by value.
            if (!IsTwin(fieldType, value.GetType()))
                throw new ArgumentException($"{name} is a {fieldType.FullName}, but the value given is a {value.GetType().FullName}", nameof(name));
            value = Enum.ToObject(fieldType, Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), System.Globalization.CultureInfo.InvariantCulture));
        }

        // Reflection refuses to write an initialised static readonly field, IL does not: a one-off method stores it.
        var setter = new DynamicMethod($"set_{name}", null, [typeof(object)], type.Module, skipVisibility: true);
        var il = setter.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Unbox_Any, field.FieldType);
        il.Emit(OpCodes.Stsfld, field);
        il.Emit(OpCodes.Ret);
        setter.Invoke(null, [value]);
    }

    private static bool IsTwin(Type field, Type given) =>
        field.IsEnum && given.IsEnum && field.FullName == given.FullName
        && AssemblyName.ReferenceMatchesDefinition(field.Assembly.GetName(), given.Assembly.GetName());
}
