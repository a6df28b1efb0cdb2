"""maillage.mesh: the analysis of a network of places (pure: numpy/scipy, no Django)."""
