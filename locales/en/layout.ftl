# Layout: the phone's menu, the case list's columns and pages.
nav-menu = Menu
cases-range = { $from }–{ $to } of { $total }
cases-range-more-than = { $from }–{ $to } of more than { $total }
previous-page = Previous page
cases-columns = Columns
cases-columns-apply = Show these columns
cases-columns-reset = Back to the view's columns
cases-columns-help = Number and title are always shown. The choice is for this view and is kept for you.
pages = Pages
cases-range-uncounted = { $from }–{ $to }
