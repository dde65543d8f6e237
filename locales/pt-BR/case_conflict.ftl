# The edit form when someone saved the case after it was opened.
case-conflict-merged = { $name } salvou este caso depois que você abriu o formulário, em campos que você não mudou. O formulário junta as suas mudanças às dessa pessoa.
case-conflict-decide = { $name } salvou este caso depois que você abriu o formulário e mudou também campos que você mudou. Para cada um, escolha no formulário o valor que fica: ele mostra o seu.
case-conflict-by = Salvo por { $name }
case-conflict-kept = Só { $name } mudou, e fica como essa pessoa deixou:
case-conflict-save-again = Nada foi salvo ainda. Salvar de novo grava só os campos que você mudou.
