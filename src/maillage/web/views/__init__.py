"""The public pages: map and list, place, commune, pictograms, charter."""

from .communes import commune
from .home import home
from .legend import charter, family_colours, favicon, legend
from .places import place
from .tiles import tiles

__all__ = ["charter", "commune", "family_colours", "favicon", "home", "legend", "place", "tiles"]
