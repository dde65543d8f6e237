# Durations: the unit words pages print, and the messages of duration fields.
# The duration reader accepts "h", "hour(s)", "min" and "minute(s)" in every
# language: a unit word written here must be one it knows.
duration-unit-hours = h
duration-unit-minutes = min
error-duration = Enter the duration in minutes (70), hours and minutes (1:10 or 1 h 10 min) or hours (1.5 h).
error-duration-negative = A duration cannot be negative.
error-duration-activity-max = An activity lasts at most 1666 h 40 min.
error-duration-billable-max = Billable time goes up to 100000 h.
error-duration-entitlement-max = An entitlement holds at most 1000000 h.
error-duration-deadline-max = A deadline goes up to 87600 h (ten years).
