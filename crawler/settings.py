"""Scrapy settings for the Lokalarkiv crawl; override with `scrapy crawl news -s KEY=VALUE`.

Lokalarkiv's own keys are prefixed ARKIV_. Where they are None, the value comes from
indexer.config (arkiv.toml, then the environment: ARKIV_DATA, ARKIV_SOURCES, ...), so
`scrapy crawl news` and `arkiv crawl` run the same crawl with the same environment.
"""

BOT_NAME = "lokalarkiv"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves; ARKIV_CONTACT (or `contact` in arkiv.toml) is appended when set.
USER_AGENT = "Lokalarkiv/0.1 (news archive; +https://github.com/lokalarkiv/lokalarkiv)"

# Politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Items of one response processed in parallel. Scrapy starts this many asyncio tasks for
# every response, whatever it yields; our callbacks yield at most one item (an article page),
# so the default 100 only costs time (about 1 ms of the crawling process per page).
CONCURRENT_ITEMS = 4

# Robustness: bounded size and time per page, a few retries on 5xx and timeouts, never on 4xx.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524]  # server trouble; never a 4xx
REDIRECT_MAX_TIMES = 10
ARKIV_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubling for each further one
ARKIV_RETRY_BACKOFF_MAX = 60.0
# 304 answers a conditional revisit; 404 and 410 mark an archived article gone.
HTTPERROR_ALLOWED_CODES = [304, 404, 410]

# Scrapy's duplicate filter, which also reports redirect loops (they end in a duplicate).
DUPEFILTER_CLASS = "crawler.dupefilter.RedirectLoopDupeFilter"

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Nor Scrapy's remote-control HTTP server (it runs Python code sent to it; its aiohttp import
# alone adds a tenth of a second to every start).
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 500,  # also updates the index at the end
}
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's robots.txt middleware, with RFC 9309's rules for a robots.txt that answers 5xx
    # or not at all (complete disallow) or 4xx (allow all).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsPolicyMiddleware": 100,
    # After the robots.txt middleware: applies robots.txt Crawl-delay to each host's slot.
    "crawler.middlewares.CrawlDelayMiddleware": 110,
    "crawler.middlewares.RetryBackoffMiddleware": 120,
}
EXTENSIONS = {
    "crawler.extensions.CrawlProgress": 500,
    "crawler.extensions.QuietLogs": 0,
}

# Lokalarkiv keys (None: take it from indexer.config)
ARKIV_CONFIG = None  # path of an arkiv.toml
ARKIV_DATA = None  # folder holding archive, WARC files and index
ARKIV_SOURCES = None  # sources.toml to crawl
ARKIV_CONTACT = None  # contact address for the User-Agent
ARKIV_ONLY_SOURCES = ""  # comma-separated source ids to restrict a run to
ARKIV_FULL = False  # fetch every candidate, ignoring the revisit policy
ARKIV_SINCE = ""  # YYYY-MM-DD: only what is listed or published on or after this day
ARKIV_LOCK_HELD = False  # set by `arkiv crawl`, which takes the archive's crawl lock itself
ARKIV_MAX_SECTION_PAGES = 50  # pagination pages followed per section
# Sitemaps and feeds: how deep sitemap indexes may nest below an entry point, and how many
# sitemaps and feeds one source may have read per run (a chain that never ends stops here).
ARKIV_MAX_LISTING_DEPTH = 3
ARKIV_MAX_LISTINGS = 1000
ARKIV_INDEX = True  # sync the search index at the end of the crawl (arkiv crawl --no-index)
ARKIV_EXTRACT_WORKERS = None  # extraction processes; None: one per core, 0: in-process
ARKIV_PROGRESS = False  # a live progress line on stderr (arkiv crawl sets it on a terminal)
