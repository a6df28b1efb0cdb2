"""The mesh analysis delivered: commands, API, web page and report on top of maillage.mesh."""
