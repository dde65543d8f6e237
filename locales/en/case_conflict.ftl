# The edit form when someone saved the case after it was opened.
case-conflict-merged = { $name } saved this case after you opened the form, in fields you did not change. The form puts your changes together with theirs.
case-conflict-decide = { $name } saved this case after you opened the form and also changed fields you changed. For each, choose in the form the value that stays: it shows yours.
case-conflict-by = Saved by { $name }
case-conflict-kept = Changed only by { $name }, and kept as they left it:
case-conflict-save-again = Nothing has been saved yet. Saving again writes only the fields you changed.
