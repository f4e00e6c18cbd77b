"""The pieces of ember.nn.functional, one module per area (each with __all__)."""
