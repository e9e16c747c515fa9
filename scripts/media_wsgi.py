"""The site with /media/ served beside it, as the web server in front does in production.

Only for scripts/lighthouse.py: uploads are served by nginx or object storage in
production (README, "Images"), never by the app. WhiteNoise indexes the folder at start,
which suits a measurement run whose images all exist before the server starts.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from clinic.wsgi import application as site

application = WhiteNoise(site, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)
