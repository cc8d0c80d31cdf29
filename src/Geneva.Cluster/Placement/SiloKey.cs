using Orleans.Runtime;

namespace Geneva.Cluster.Placement;

/// <summary>Grain keys that name their silo: <c>&lt;silo address&gt;/&lt;rest&gt;</c>, the silo address as <see cref="SiloAddress.ToParsableString"/>.</summary>
public static class SiloKey
{
    public static string Of(SiloAddress silo, string rest) => $"{silo.ToParsableString()}/{rest}";

    public static string Slot(SiloAddress silo, int slot) => Of(silo, slot.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string Node(SiloAddress silo) => Of(silo, "node");

    /// <summary>The silo part of a key (everything before the first '/'), or null.</summary>
    public static SiloAddress? SiloOf(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }
        try
        {
            return SiloAddress.FromParsableString(key[..slash]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>What follows the silo part.</summary>
    public static string RestOf(string key) => key[(key.IndexOf('/') + 1)..];
}
