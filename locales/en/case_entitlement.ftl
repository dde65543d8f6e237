# The entitlement on the case form.
entitlement-remaining-channel = remaining on this channel
entitlement-refresh = Refresh entitlements
