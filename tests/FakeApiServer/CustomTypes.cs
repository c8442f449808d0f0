namespace FakeApiServer;

/// <summary>The kinds one cluster serves from its established CustomResourceDefinitions, kept by the CRD controller.</summary>
internal sealed class CustomTypes
{
    private volatile IReadOnlyList<ResourceType> _types = [];

    public IReadOnlyList<ResourceType> Types => _types;

    public ResourceType? Find(string group, string version, string plural) =>
        _types.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    public void Set(IReadOnlyList<ResourceType> types) => _types = types;
}
