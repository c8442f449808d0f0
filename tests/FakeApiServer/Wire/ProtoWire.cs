using System.Text;

namespace FakeApiServer.Wire;

/// <summary>A protobuf decoding error, worded as the Go (gogo) generated unmarshalers word theirs.</summary>
internal sealed class ProtoFormatException(string message) : Exception(message);

/// <summary>Reads the protobuf wire format: varints, fixed64 and length-delimited fields.</summary>
internal sealed class ProtoReader(byte[] data, int start, int end)
{
    private int _pos = start;

    public ProtoReader(byte[] data) : this(data, 0, data.Length) { }

    public bool AtEnd => _pos >= end;

    public ulong Varint()
    {
        ulong v = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift >= 64) throw new ProtoFormatException("proto: integer overflow");
            if (_pos >= end) throw new ProtoFormatException("unexpected EOF");
            var b = data[_pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }

    /// <summary>The next tag as (field number, wire type); a zero field number is illegal.</summary>
    public (int Number, int WireType) Tag(string message)
    {
        var tag = Varint();
        var number = (int)(tag >> 3);
        var wire = (int)(tag & 7);
        if (wire == 4) throw new ProtoFormatException($"proto: {message}: wiretype end group for non-group");
        if (number <= 0) throw new ProtoFormatException($"proto: {message}: illegal tag {number} (wire type {wire})");
        return (number, wire);
    }

    public ulong Fixed64()
    {
        if (end - _pos < 8) throw new ProtoFormatException("unexpected EOF");
        var v = BitConverter.ToUInt64(data, _pos);
        _pos += 8;
        return v;
    }

    /// <summary>A length-delimited field as a reader over its bytes.</summary>
    public ProtoReader Nested()
    {
        var (s, e) = Span();
        return new ProtoReader(data, s, e);
    }

    public byte[] Bytes()
    {
        var (s, e) = Span();
        return data[s..e];
    }

    public string String()
    {
        var (s, e) = Span();
        return Encoding.UTF8.GetString(data, s, e - s);
    }

    private (int Start, int End) Span()
    {
        var len = Varint();
        if (len > int.MaxValue) throw new ProtoFormatException("proto: negative length found during unmarshaling");
        var s = _pos;
        if ((long)s + (long)len > end) throw new ProtoFormatException("unexpected EOF");
        _pos = s + (int)len;
        return (s, _pos);
    }

    /// <summary>Skips a field the table does not know, as generated unmarshalers skip unknown fields.</summary>
    public void Skip(int wire)
    {
        switch (wire)
        {
            case 0: Varint(); break;
            case 1: Fixed64(); break;
            case 2: Span(); break;
            case 5:
                if (end - _pos < 4) throw new ProtoFormatException("unexpected EOF");
                _pos += 4;
                break;
            default: throw new ProtoFormatException($"proto: illegal wireType {wire}");
        }
    }
}

/// <summary>Writes the protobuf wire format.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _out = new();

    public byte[] ToArray() => _out.ToArray();

    public void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }

    public void Tag(int number, int wire) => Varint(((ulong)number << 3) | (uint)wire);

    public void VarintField(int number, ulong v)
    {
        Tag(number, 0);
        Varint(v);
    }

    public void BytesField(int number, ReadOnlySpan<byte> bytes)
    {
        Tag(number, 2);
        Varint((ulong)bytes.Length);
        _out.Write(bytes);
    }

    public void StringField(int number, string s) => BytesField(number, Encoding.UTF8.GetBytes(s));

    public void Fixed64Field(int number, ulong v)
    {
        Tag(number, 1);
        Span<byte> b = stackalloc byte[8];
        BitConverter.TryWriteBytes(b, v);
        _out.Write(b);
    }
}
