# Layout: the phone's menu, the case list's columns and pages.
nav-menu = Menú
