"""nttlearn-meetings: seminars and transnational partnering meetings."""
