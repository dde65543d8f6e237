routing-admin = Regras de roteamento
routing-admin-help = Para onde cada caso vai: a primeira regra do conjunto ativo que se aplica o encaminha a uma fila, equipe ou pessoa.
routing-rules = Regras
routing-rules-help = As regras rodam nesta ordem; a primeira que se aplica decide. Sem nenhuma, o caso fica onde está.
routing-flagged = { $count ->
    [0] nenhuma regra com destino inativo
    [one] 1 regra com destino inativo
   *[other] { $count } regras com destino inativo
}
routing-set-active = Ativo
routing-set-inactive = Inativo
routing-when = Quando
routing-target = Encaminhar para
routing-assign = Atribuir a
routing-actions = Ações
routing-target-inactive = destino inativo: a regra é ignorada
routing-move-up = Subir
routing-move-down = Descer
routing-no-rules = Este conjunto ainda não tem regras.
routing-new-rule = Nova regra
routing-edit-rule = Editar regra
routing-when-help = Linhas do mesmo grupo valem juntas (e); basta um grupo valer (ou). Sem linhas, a regra vale para todo caso.
routing-group = Grupo
routing-field = Campo
routing-op = Comparação
routing-value = Valor
routing-words-placeholder = palavras do título, ou CPF/CNPJ do cliente
routing-auto-channels = Roteamento automático
routing-auto-channels-help = Casos novos destes canais são encaminhados pelas regras assim que são criados (com o conjunto ativo).
routing-one-active = Só um conjunto fica ativo por vez: ativar este desativa o outro.
routing-activate = Ativar
routing-set-activated = { $name } é agora o conjunto de regras ativo.
routing-set-deactivated = { $name } foi desativado: nenhum caso é encaminhado por regras.
routing-condition-always = sempre
routing-field-title-words = Título
routing-op-contains = contém
routing-assign-none = ninguém (fica na fila ou com a equipe)
routing-assign-round-robin = um membro ativo por vez (rodízio)
routing-assign-least-open = o membro ativo com menos casos abertos
routing-error-field = Escolha um campo.
routing-error-op = Esta comparação não serve para este campo.
routing-error-words = Digite as palavras que o título deve conter.
routing-error-customer = Nenhum cliente ativo tem este CPF/CNPJ.
routing-error-value = Escolha um valor deste campo.
routing-routed = Encaminhado pela regra { $name }.
routing-no-match = Nenhuma regra se aplicou: o caso ficou onde estava.
routing-no-rules-active = Nenhum conjunto de regras de roteamento está ativo.
routing-routed-many = { $count ->
    [0] Nenhum caso encaminhado ({ $unmatched } sem regra que se aplicasse).
    [one] 1 caso encaminhado ({ $unmatched } sem regra que se aplicasse).
   *[other] { $count } casos encaminhados ({ $unmatched } sem regra que se aplicasse).
}
routing-apply = Aplicar regra de roteamento
case-save-and-route = Salvar e encaminhar
queue-event-routed-by-rule = Encaminhado pela regra
queue-event-rule-skipped = Regra ignorada: destino inativo
