"""The day's stages, in the order `LunarCity.step` calls them, and what they share."""
