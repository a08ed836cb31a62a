-- Fapiao branch journal, version 4: notifications at the branch (`fapiao notify`).

-- Where notices go: a program run with the notice on its standard input (one JSON line, or a
-- mail message for a sendmail-compatible program when mail_to is set), or a URL it is POSTed to.
CREATE TABLE notifier (
    name      TEXT PRIMARY KEY NOT NULL,
    target    TEXT NOT NULL,                          -- exec:PROGRAM [ARGS] or http(s)://HOST/PATH
    mail_to   TEXT,                                   -- the address a mail message is written for
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL
) STRICT;

-- What was sent, per reason (NoticeSchedule): a reason is sent once when it appears and again
-- only after the re-send interval while it lasts; its row goes when the reason does.
CREATE TABLE notice_sent (
    key         TEXT PRIMARY KEY NOT NULL,
    first_sent  TEXT NOT NULL,
    last_sent   TEXT NOT NULL,
    times       INTEGER NOT NULL
) STRICT;
