# Confirmation pages of actions that are hard or impossible to take back.
confirm-refused = Nada foi feito: confirme abaixo para continuar.
confirm-back = Não, voltar

merge-confirm-lead = { $count ->
    [one] { $others } será mesclado em { $primary }, que continua.
   *[other] { $others } serão mesclados em { $primary }, que continua.
}
merge-confirm-stays = fica (principal)
merge-confirm-goes = será mesclado
merge-confirm-state = { $count ->
    [one] { $others } passa a { $state } · { $status } e aponta para { $primary }.
   *[other] { $others } passam a { $state } · { $status } e apontam para { $primary }.
}
merge-confirm-moves = As notas, atividades, anexos e toda a linha do tempo de { $others } passam a aparecer em { $primary }; nada é copiado nem apagado.
merge-confirm-sla = Os prazos de SLA de { $others } são encerrados; os de { $primary } seguem como estão.
merge-confirm-terms = Os termos de direito que { $others } consumiram são devolvidos.
merge-confirm-irreversible = Não é possível desfazer: um caso mesclado não pode ser reativado nem mesclado de novo.
merge-confirm-button = Sim, mesclar

case-reactivate-confirm-lead = { $case } volta a { $state } · { $status }.
case-reactivate-confirm-resolution = A resolução deixa de valer: a data de resolução e o tempo faturável confirmado são apagados, e o caso poderá ser resolvido de novo.
case-reactivate-confirm-cancellation = O cancelamento deixa de valer, e o caso volta a ser trabalhado.
case-reactivate-confirm-sla = Os prazos de SLA encerrados pela resolução ou pelo cancelamento reabrem, e o tempo em que o caso ficou fechado conta como pausa. Uma primeira resposta já dada continua valendo.
case-reactivate-confirm-terms-back = Os termos que a resolução consumiu do direito { $entitlement } são devolvidos.
case-reactivate-confirm-terms-again = O direito { $entitlement } volta a ser consumido como na abertura do caso.
case-reactivate-confirm-button = Sim, reativar

customer-deactivate-confirm-title = Desativar { $name }
customer-deactivate-confirm-lead = { $name } deixa de ser oferecido em casos novos.
customer-deactivate-confirm-new-cases = Não poderá ser escolhido como cliente nem como contato de um caso novo.
customer-deactivate-confirm-open-cases = { $count ->
    [0] Não tem casos ativos.
    [one] O caso ativo dele continua aberto e pode ser trabalhado normalmente.
   *[other] Os { $count } casos ativos dele continuam abertos e podem ser trabalhados normalmente.
}
customer-deactivate-confirm-history = O histórico é mantido, e um supervisor pode reativá-lo depois.
customer-deactivate-confirm-button = Sim, desativar

entitlement-cancel-confirm-title = Cancelar o direito { $name }
entitlement-cancel-confirm-lead = O direito { $name } de { $customer } passa a Cancelado.
entitlement-cancel-confirm-channel = { $allocation ->
    [hours] { $channel }: restam { $remaining } h de { $total } h
   *[other] { $channel }: restam { $remaining } de { $total }
}
entitlement-cancel-confirm-terms = { $allocation ->
    [hours] As horas que restam ({ $remaining } h de { $total } h) não poderão mais ser usadas.
   *[other] Os termos que restam ({ $remaining } de { $total }) não poderão mais ser usados.
}
entitlement-cancel-confirm-terms-none = Não restam termos neste direito.
entitlement-cancel-confirm-offer = Deixa de ser oferecido em casos novos.
entitlement-cancel-confirm-cases = { $count ->
    [0] Nenhum caso ativo usa este direito.
    [one] O caso ativo que usa este direito continua ligado a ele.
   *[other] Os { $count } casos ativos que usam este direito continuam ligados a ele.
}
entitlement-cancel-confirm-irreversible = Não é possível desfazer: um direito cancelado não volta a ficar ativo.
