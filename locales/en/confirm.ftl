# Confirmation pages of actions that are hard or impossible to take back.
confirm-refused = Nothing was done: confirm below to go ahead.
confirm-back = No, go back

merge-confirm-lead = { $count ->
    [one] { $others } will be merged into { $primary }, which stays.
   *[other] { $others } will be merged into { $primary }, which stays.
}
merge-confirm-stays = stays (primary)
merge-confirm-goes = will be merged
merge-confirm-state = { $count ->
    [one] { $others } becomes { $state } · { $status } and points to { $primary }.
   *[other] { $others } become { $state } · { $status } and point to { $primary }.
}
merge-confirm-moves = The notes, activities, attachments and the whole timeline of { $others } will show on { $primary }; nothing is copied or deleted.
merge-confirm-sla = The SLA clocks of { $others } are closed; those of { $primary } go on as they are.
merge-confirm-terms = The entitlement terms { $others } took are given back.
merge-confirm-irreversible = This cannot be undone: a merged case can be neither reactivated nor merged again.
merge-confirm-button = Yes, merge

case-reactivate-confirm-lead = { $case } goes back to { $state } · { $status }.
case-reactivate-confirm-resolution = The resolution no longer stands: its date and the confirmed billable time are cleared, and the case can be resolved again.
case-reactivate-confirm-cancellation = The cancellation no longer stands, and the case is worked again.
case-reactivate-confirm-sla = The SLA clocks the resolution or cancellation closed reopen, and the time the case was closed counts as paused. A first response already given still stands.
case-reactivate-confirm-terms-back = The terms the resolution took from entitlement { $entitlement } are given back.
case-reactivate-confirm-terms-again = Entitlement { $entitlement } is drawn on again as when the case was opened.
case-reactivate-confirm-button = Yes, reactivate

customer-deactivate-confirm-title = Deactivate { $name }
customer-deactivate-confirm-lead = { $name } will no longer be offered for new cases.
customer-deactivate-confirm-new-cases = It cannot be chosen as the customer or the contact of a new case.
customer-deactivate-confirm-open-cases = { $count ->
    [0] It has no active cases.
    [one] Its active case stays open and can be worked as usual.
   *[other] All { $count } of its active cases stay open and can be worked as usual.
}
customer-deactivate-confirm-history = Its history is kept, and a supervisor can reactivate it later.
customer-deactivate-confirm-button = Yes, deactivate

entitlement-cancel-confirm-title = Cancel entitlement { $name }
entitlement-cancel-confirm-lead = Entitlement { $name } of { $customer } becomes Cancelled.
entitlement-cancel-confirm-channel = { $allocation ->
    [hours] { $channel }: { $remaining } h left of { $total } h
   *[other] { $channel }: { $remaining }/{ $total } left
}
entitlement-cancel-confirm-terms = { $allocation ->
    [hours] The hours left ({ $remaining } h of { $total } h) can no longer be used.
   *[other] The terms left ({ $remaining } of { $total }) can no longer be used.
}
entitlement-cancel-confirm-terms-none = No terms are left on this entitlement.
entitlement-cancel-confirm-offer = It is no longer offered for new cases.
entitlement-cancel-confirm-cases = { $count ->
    [0] No active case draws on this entitlement.
    [one] The active case that draws on it stays linked to it.
   *[other] All { $count } of the active cases that draw on it stay linked to it.
}
entitlement-cancel-confirm-irreversible = This cannot be undone: a cancelled entitlement does not become active again.
