using Google.Protobuf;

namespace Netfence.Daemon.Tests.Protocol;

/// <summary>
/// Encodes protobuf by hand from field numbers and wire types, independent of the generated code, so
/// that a test can state the numbers of protocol.md and check the generated types against them.
/// Fields must be given in ascending number order (the order the generated serialiser uses).
/// </summary>
static class HandWire
{
    /// <summary>A field: number and value. string/byte[] (nested message) are length-delimited; bool, int, long, uint, ulong are varints.</summary>
    public static byte[] Message(params (int Number, object Value)[] fields)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var (number, value) in fields)
        {
            switch (value)
            {
                case string s:
                    output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    output.WriteString(s);
                    break;
                case byte[] nested:
                    output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(nested));
                    break;
                case bool b:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteBool(b);
                    break;
                case int i:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteInt32(i);
                    break;
                case long l:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteInt64(l);
                    break;
                case uint u:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteUInt32(u);
                    break;
                case ulong ul:
                    output.WriteTag(number, WireFormat.WireType.Varint);
                    output.WriteUInt64(ul);
                    break;
                default:
                    throw new ArgumentException($"no wire encoding for {value.GetType()}");
            }
        }
        output.Flush();
        return stream.ToArray();
    }

    /// <summary>A map&lt;string,string&gt; entry: a nested message with key = 1 and value = 2.</summary>
    public static (int, object) MapEntry(int number, string key, string value) => (number, Message((1, key), (2, value)));
}
