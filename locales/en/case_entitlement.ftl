# The entitlement on the case form.
entitlement-remaining-channel = remaining on this channel
entitlement-refresh = Refresh entitlements
field-entitlement-reason = Reason to open without an entitlement
entitlement-reason-help = An entitlement of this customer restricts case creation. Without an entitlement, the case is saved only with the reason, which goes on the timeline.
entitlement-error-required = An entitlement covering this case restricts case creation: choose an entitlement. Only a supervisor may open the case without one, giving the reason.
entitlement-error-reason-required = Give the reason to open the case without an entitlement.
entitlement-exception-event = Without an entitlement, as an exception to the restriction of
