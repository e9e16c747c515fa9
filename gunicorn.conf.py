"""gunicorn reads this file from the directory it starts in (see README, Production).

Access logs are off unless --access-logfile is given. When they are on, a line names the
path without its query string and no client address: a search (/search/?q=…) or a
?from= page is health information, and the log must not tie it to a visitor.
"""

access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
