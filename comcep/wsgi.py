import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comcep.settings")

application = get_wsgi_application()

# Everything loaded so far lives as long as the process: the collector need not walk it
# again on every full collection (pauses that showed in the slowest requests).
gc.freeze()
