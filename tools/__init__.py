"""Developer and test tools: not shipped in the package."""
