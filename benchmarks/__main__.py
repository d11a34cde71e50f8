"""`python -m benchmarks` (`make bench`), with DJANGO_SETTINGS_MODULE=cms.settings.bench.

Django is set up before the benchmark's modules are imported: they use the models.
"""

import os

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.bench")
    django.setup()
    from benchmarks.run import main

    main()
