# Layout: the phone's menu, the case list's columns and pages.
nav-menu = Menú
cases-range = { $from }–{ $to } de { $total }
cases-range-more-than = { $from }–{ $to } de máis de { $total }
previous-page = Páxina anterior
cases-columns = Columnas
cases-columns-apply = Amosar estas columnas
cases-columns-reset = Volver ás columnas da vista
cases-columns-help = O número e o título aparecen sempre. A escolla vale para esta vista e queda gardada para ti.
pages = Páxinas
cases-range-uncounted = { $from }–{ $to }
