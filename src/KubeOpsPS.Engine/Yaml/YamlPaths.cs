using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>Finds the line of a field (a dotted JSON path such as spec.template.spec.containers[0].image) in a document; used only when reporting an error.</summary>
internal static class YamlPaths
{
    public static int? LineOf(YamlReader.Chunk chunk, string path)
    {
        var want = path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            var parser = new Parser(new StringReader(chunk.Text));
            var stack = new List<string>();
            var containers = new Stack<(bool IsMap, int Index, bool ExpectKey)>();
            int? best = null;
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                if (containers.Count > 0 && containers.Peek() is { IsMap: true, ExpectKey: true } && ev is Scalar key)
                {
                    var top = containers.Pop();
                    containers.Push(top with { ExpectKey = false });
                    Set(stack, containers.Count, key.Value);
                    if (Matches(stack, containers.Count, want, out var full))
                    {
                        best = chunk.FirstLine + (int)ev.Start.Line - 1;
                        if (full) return best;
                    }
                    continue;
                }
                if (containers.Count > 0 && !containers.Peek().IsMap && ev is not SequenceEnd)
                {
                    var top = containers.Pop();
                    containers.Push(top with { Index = top.Index + 1 });
                    Set(stack, containers.Count, $"[{top.Index}]");
                    if (Matches(stack, containers.Count, want, out var full))
                    {
                        best = chunk.FirstLine + (int)ev.Start.Line - 1;
                        if (full) return best;
                    }
                }
                switch (ev)
                {
                    case MappingStart: containers.Push((true, 0, true)); break;
                    case SequenceStart: containers.Push((false, 0, false)); break;
                    case MappingEnd or SequenceEnd:
                        containers.Pop();
                        break;
                }
                if (ev is MappingEnd or SequenceEnd or Scalar or AnchorAlias && containers.Count > 0 && containers.Peek().IsMap && ev is not MappingStart)
                {
                    var top = containers.Pop();
                    containers.Push(top with { ExpectKey = true });
                }
            }
            return best;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    private static void Set(List<string> stack, int depth, string segment)
    {
        while (stack.Count >= depth) stack.RemoveAt(stack.Count - 1);
        stack.Add(segment);
    }

    private static bool Matches(List<string> stack, int depth, string[] want, out bool full)
    {
        full = false;
        if (depth > want.Length) return false;
        for (var i = 0; i < depth; i++)
            if (stack[i] != want[i]) return false;
        full = depth == want.Length;
        return true;
    }
}
