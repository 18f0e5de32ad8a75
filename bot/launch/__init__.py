"""Starting each service: read its settings, build it through the composition root
(``bot.app.serving``), run it until stopped, and turn start-up failures into plain words."""
