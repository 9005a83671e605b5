"""ODK Collect through the OpenRosa API: form list, XForms made by pyxform, submissions.

A survey link's token is the server key in the URL (``/odk/key/{token}``), as ODK Central's
app users carry theirs: Collect needs no account, and the key gives what the link gives a
participant, answers for that site, wave and group. Submissions go through the one
submission path (evalsys.collection.submissions).
"""
