"""Sample files for the assignment tests (a module of its own: ``from conftest import`` would find
whichever of the plugin's conftest modules pytest imported last)."""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
