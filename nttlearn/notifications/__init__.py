"""Notifications: the in-app list, the e-mails sent with it (at once, in a daily digest, or
not at all, as each person chooses per kind), deadline reminders and welcome mails."""
