namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>The xunit collection sharing one <see cref="CorpusBuild"/>; its tests run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class CorpusCollection : ICollectionFixture<CorpusBuild>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "compiled corpus";
}
