"""The world's data: the catalog (data/), scenarios (models/), the economy they make."""
