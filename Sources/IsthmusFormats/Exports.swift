// SplitMix64, the shuffle and JSON quoting used to live here; importers of Formats still see them.
@_exported import IsthmusUtilities
