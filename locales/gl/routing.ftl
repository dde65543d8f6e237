routing-admin = Regras de encamiñamento
routing-admin-help = A onde vai cada caso: a primeira regra do conxunto activo que se aplica encamíñao a unha fila, equipo ou persoa.
routing-rules = Regras
routing-rules-help = As regras execútanse nesta orde; a primeira que se aplica decide. Sen ningunha, o caso queda onde está.
routing-flagged = { $count ->
    [0] ningunha regra con destino inactivo
    [one] 1 regra con destino inactivo
   *[other] { $count } regras con destino inactivo
}
routing-set-active = Activo
routing-set-inactive = Inactivo
routing-when = Cando
routing-target = Encamiñar a
routing-assign = Asignar a
routing-actions = Accións
routing-target-inactive = destino inactivo: a regra ignórase
routing-move-up = Subir
routing-move-down = Baixar
routing-no-rules = Este conxunto aínda non ten regras.
routing-new-rule = Nova regra
routing-edit-rule = Editar regra
routing-when-help = As liñas do mesmo grupo valen xuntas (e); abonda con que valla un grupo (ou). Sen liñas, a regra vale para todo caso.
routing-group = Grupo
routing-field = Campo
routing-op = Comparación
routing-value = Valor
routing-words-placeholder = palabras do título, ou CPF/CNPJ do cliente
routing-auto-channels = Encamiñamento automático
routing-auto-channels-help = Os casos novos destas canles encamíñanse polas regras en canto se crean (co conxunto activo).
routing-one-active = Só un conxunto está activo á vez: activar este desactiva o outro.
routing-activate = Activar
routing-set-activated = { $name } é agora o conxunto de regras activo.
routing-set-deactivated = { $name } desactivouse: ningún caso se encamiña por regras.
routing-condition-always = sempre
routing-field-title-words = Título
routing-op-contains = contén
routing-assign-none = ninguén (queda na fila ou co equipo)
routing-assign-round-robin = un membro activo cada vez (quendas)
routing-assign-least-open = o membro activo con menos casos abertos
routing-error-field = Escolla un campo.
routing-error-op = Esta comparación non serve para este campo.
routing-error-words = Escriba as palabras que debe conter o título.
routing-error-customer = Ningún cliente activo ten este CPF/CNPJ.
routing-error-value = Escolla un valor deste campo.
routing-routed = Encamiñado pola regra { $name }.
routing-no-match = Ningunha regra se aplicou: o caso quedou onde estaba.
routing-no-rules-active = Ningún conxunto de regras de encamiñamento está activo.
routing-routed-many = { $count ->
    [0] Ningún caso encamiñado ({ $unmatched } sen regra que se aplicase).
    [one] 1 caso encamiñado ({ $unmatched } sen regra que se aplicase).
   *[other] { $count } casos encamiñados ({ $unmatched } sen regra que se aplicase).
}
routing-apply = Aplicar regra de encamiñamento
case-save-and-route = Gardar e encamiñar
queue-event-routed-by-rule = Encamiñado pola regra
queue-event-rule-skipped = Regra ignorada: destino inactivo
