routing-admin = Routing rules
routing-admin-help = Where each case goes: the first rule of the active set that applies sends it to a queue, a team or a person.
routing-rules = Rules
routing-rules-help = Rules run in this order; the first that applies decides. With none, the case stays where it is.
routing-flagged = { $count ->
    [0] no rule with an inactive target
    [one] 1 rule with an inactive target
   *[other] { $count } rules with an inactive target
}
routing-set-active = Active
routing-set-inactive = Inactive
routing-when = When
routing-target = Route to
routing-assign = Assign to
routing-actions = Actions
routing-target-inactive = inactive target: the rule is skipped
routing-move-up = Move up
routing-move-down = Move down
routing-no-rules = This set has no rules yet.
routing-new-rule = New rule
routing-edit-rule = Edit rule
routing-when-help = Rows of the same group hold together (and); one group holding is enough (or). With no rows the rule holds for every case.
routing-group = Group
routing-field = Field
routing-op = Comparison
routing-value = Value
routing-words-placeholder = words of the title, or the customer's CPF/CNPJ
routing-auto-channels = Automatic routing
routing-auto-channels-help = New cases from these channels are routed by the rules as they are created (with the active set).
routing-one-active = One set is active at a time: activating this one deactivates the other.
routing-activate = Activate
routing-set-activated = { $name } is now the active rule set.
routing-set-deactivated = { $name } was deactivated: no case is routed by rules.
routing-condition-always = always
routing-field-title-words = Title
routing-op-contains = contains
routing-assign-none = nobody (it waits in the queue or with the team)
routing-assign-round-robin = each active member in turn (round robin)
routing-assign-least-open = the active member with the fewest open cases
routing-error-field = Choose a field.
routing-error-op = This comparison does not fit this field.
routing-error-words = Type the words the title must contain.
routing-error-customer = No active customer has this CPF/CNPJ.
routing-error-value = Choose a value of this field.
routing-routed = Routed by rule { $name }.
routing-no-match = No rule applied: the case stayed where it was.
routing-no-rules-active = No routing rule set is active.
routing-routed-many = { $count ->
    [0] No cases routed ({ $unmatched } with no rule that applied).
    [one] 1 case routed ({ $unmatched } with no rule that applied).
   *[other] { $count } cases routed ({ $unmatched } with no rule that applied).
}
routing-apply = Apply routing rule
case-save-and-route = Save and route
queue-event-routed-by-rule = Routed by rule
queue-event-rule-skipped = Rule skipped: inactive target
