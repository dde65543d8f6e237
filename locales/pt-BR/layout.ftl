# Layout: the phone's menu, the case list's columns and pages.
nav-menu = Menu
cases-range = { $from }–{ $to } de { $total }
cases-range-more-than = { $from }–{ $to } de mais de { $total }
previous-page = Página anterior
cases-columns = Colunas
cases-columns-apply = Mostrar estas colunas
cases-columns-reset = Voltar às colunas da visão
cases-columns-help = Número e título aparecem sempre. A escolha vale para esta visão e fica guardada para você.
pages = Páginas
cases-range-uncounted = { $from }–{ $to }
