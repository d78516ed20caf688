namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// Source lines for BTF line_info, so the verifier log quotes the C# line. A PDB path that does not exist here (the
/// assembly was built elsewhere) is looked up under <see cref="CompilerOptions.SourceRoot"/> by its trailing path
/// components. Unreadable files give empty line text; the file name and line number still appear.
/// </summary>
internal sealed class SourceText(string? sourceRoot)
{
    readonly Dictionary<string, string[]?> _files = new(StringComparer.Ordinal);

    public string Line(string file, int line)
    {
        if (!_files.TryGetValue(file, out var lines)) _files[file] = lines = Read(file);
        if (lines is null || line < 1 || line > lines.Length) return "";
        return lines[line - 1].Trim();
    }

    string[]? Read(string file)
    {
        try
        {
            if (File.Exists(file)) return File.ReadAllLines(file);
            if (sourceRoot is null) return null;
            var parts = file.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (int skip = 0; skip < parts.Length; skip++)
            {
                var candidate = Path.Combine([sourceRoot, .. parts[skip..]]);
                if (File.Exists(candidate)) return File.ReadAllLines(candidate);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
