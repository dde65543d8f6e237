# O formulario de edición cando alguén gardou o caso despois de abrilo.
case-conflict-merged = { $name } gardou este caso despois de que abriches o formulario, en campos que ti non cambiaches. O formulario xunta os teus cambios cos desa persoa.
case-conflict-decide = { $name } gardou este caso despois de que abriches o formulario e cambiou tamén campos que ti cambiaches. Para cada un, escolle no formulario o valor que queda: mostra o teu.
case-conflict-by = Gardado por { $name }
case-conflict-kept = Só { $name } o cambiou, e queda como esa persoa o deixou:
case-conflict-save-again = Aínda non se gardou nada. Gardar de novo grava só os campos que ti cambiaches.
