using Netfence.Bpf.Elf;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.TestRun;

// Usage: Netfence.Bpf.PinProbe create <object.o> <pin directory>
// Loads the object with its by-name maps pinned in the directory, pins the program 'classify'
// there too, runs it once (so the pinned counter holds a value), and exits without unpinning.
if (args is not ["create", var objectPath, var pinDirectory])
{
    Console.Error.WriteLine("usage: Netfence.Bpf.PinProbe create <object.o> <pin directory>");
    return 2;
}

var spec = BpfObjectReader.Read(objectPath);
using var collection = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pinDirectory });
var classify = collection.Programs["classify"];
ObjectPin.Pin(classify, Path.Combine(pinDirectory, "classify"));
var result = ProgramTestRun.Run(classify, new byte[64]);
Console.WriteLine($"pinned; classify returned {result.ReturnValue}; pid {Environment.ProcessId}");
return 0;
