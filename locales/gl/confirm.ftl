# Páxinas de confirmación das accións difíciles ou imposibles de desfacer.
confirm-refused = Non se fixo nada: confirma abaixo para continuar.
confirm-back = Non, volver

merge-confirm-lead = { $count ->
    [one] { $others } combinarase en { $primary }, que continúa.
   *[other] { $others } combinaranse en { $primary }, que continúa.
}
merge-confirm-stays = queda (principal)
merge-confirm-goes = combinarase
merge-confirm-state = { $count ->
    [one] { $others } pasa a { $state } · { $status } e apunta a { $primary }.
   *[other] { $others } pasan a { $state } · { $status } e apuntan a { $primary }.
}
merge-confirm-moves = As notas, actividades, anexos e toda a liña do tempo de { $others } pasan a aparecer en { $primary }; non se copia nin se borra nada.
merge-confirm-sla = Os prazos de SLA de { $others } péchanse; os de { $primary } seguen como están.
merge-confirm-terms = Os termos de dereito que consumiron { $others } devólvense.
merge-confirm-irreversible = Non se pode desfacer: un caso combinado non se pode reactivar nin combinar de novo.
merge-confirm-button = Si, combinar

case-reactivate-confirm-lead = { $case } volve a { $state } · { $status }.
case-reactivate-confirm-resolution = A resolución deixa de valer: bórranse a data de resolución e o tempo facturable confirmado, e o caso poderá resolverse de novo.
case-reactivate-confirm-cancellation = A cancelación deixa de valer, e o caso volve traballarse.
case-reactivate-confirm-sla = Os prazos de SLA que pechou a resolución ou a cancelación reábrense, e o tempo no que o caso estivo pechado conta como pausa. Unha primeira resposta xa dada segue valendo.
case-reactivate-confirm-terms-back = Devólvense os termos que a resolución consumiu do dereito { $entitlement }.
case-reactivate-confirm-terms-again = O dereito { $entitlement } volve consumirse como na apertura do caso.
case-reactivate-confirm-button = Si, reactivar

customer-deactivate-confirm-title = Desactivar { $name }
customer-deactivate-confirm-lead = { $name } deixa de ofrecerse en casos novos.
customer-deactivate-confirm-new-cases = Non se poderá escoller como cliente nin como contacto dun caso novo.
customer-deactivate-confirm-open-cases = { $count ->
    [0] Non ten casos activos.
    [one] O seu caso activo segue aberto e pódese traballar con normalidade.
   *[other] Os seus { $count } casos activos seguen abertos e pódense traballar con normalidade.
}
customer-deactivate-confirm-history = Consérvase o historial, e un supervisor pode reactivalo despois.
customer-deactivate-confirm-button = Si, desactivar

entitlement-cancel-confirm-title = Cancelar o dereito { $name }
entitlement-cancel-confirm-lead = O dereito { $name } de { $customer } pasa a Cancelado.
entitlement-cancel-confirm-channel = { $allocation ->
    [hours] { $channel }: quedan { $remaining } h de { $total } h
   *[other] { $channel }: quedan { $remaining } de { $total }
}
entitlement-cancel-confirm-terms = { $allocation ->
    [hours] As horas que quedan ({ $remaining } h de { $total } h) xa non se poderán usar.
   *[other] Os termos que quedan ({ $remaining } de { $total }) xa non se poderán usar.
}
entitlement-cancel-confirm-terms-none = Non quedan termos neste dereito.
entitlement-cancel-confirm-offer = Deixa de ofrecerse en casos novos.
entitlement-cancel-confirm-cases = { $count ->
    [0] Ningún caso activo usa este dereito.
    [one] O caso activo que usa este dereito segue ligado a el.
   *[other] Os { $count } casos activos que usan este dereito seguen ligados a el.
}
entitlement-cancel-confirm-irreversible = Non se pode desfacer: un dereito cancelado non volve estar activo.
