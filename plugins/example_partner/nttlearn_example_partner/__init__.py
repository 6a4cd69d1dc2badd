"""nttlearn's example partner plugin: town-twinning meetings, and the template for new plugins."""
