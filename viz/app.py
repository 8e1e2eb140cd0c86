"""The file ``solara run`` serves: ``lunarcity app``, or ``solara run viz/app.py`` in a checkout.

Solara runs this file as a script, not as part of a package, so the page is imported through
:mod:`lunarcity.app`, which finds the app's package in a checkout and in an installed wheel.
"""

import warnings

import solara.server.settings

from lunarcity.app import Page

# Solara warns on every page load over plain http from an address other than "localhost" (a
# classroom's LAN); the session cookie falls back to SameSite=Lax, which is what we want.
warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)

# No "This website runs on Solara" badge over the page's corner (``lunarcity app`` also sets
# SOLARA_THEME_SHOW_BANNER; this covers ``solara run viz/app.py``), and the app's name while
# it loads.
solara.server.settings.theme.show_banner = False
solara.server.settings.theme.title = "LunarCity"

__all__ = ["Page"]
