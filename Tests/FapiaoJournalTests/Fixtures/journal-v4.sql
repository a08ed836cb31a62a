PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('0001_create_journal');
INSERT INTO grdb_migrations VALUES('0002_conflict_resolution');
INSERT INTO grdb_migrations VALUES('0003_offline_rules');
INSERT INTO grdb_migrations VALUES('0004_notifications');
CREATE TABLE setting (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
INSERT INTO setting VALUES('node','bj-fixture-01');
INSERT INTO setting VALUES('policy.offlineWindowDays','90');
INSERT INTO setting VALUES('profile','cn-digital');
CREATE TABLE invoice (
    id            TEXT PRIMARY KEY NOT NULL,          -- UUID, minted at capture, never changes
    sync_state    TEXT NOT NULL DEFAULT 'pending',    -- pending | inFlight | inDoubt | accepted | conflict | quarantined
    state_reason  TEXT,                               -- why it is quarantined / in conflict
    voided        INTEGER NOT NULL DEFAULT 0,         -- 1 once voided
    kind          TEXT NOT NULL,
    type          TEXT NOT NULL,
    code          TEXT NOT NULL DEFAULT '',           -- '' when the type has no code
    number        TEXT NOT NULL,
    issue_date    TEXT NOT NULL,
    seller_tax_id TEXT NOT NULL,
    seller_name   TEXT NOT NULL,
    buyer_tax_id  TEXT NOT NULL,
    buyer_name    TEXT NOT NULL,
    currency      TEXT NOT NULL,
    net           INTEGER NOT NULL,                   -- minor units
    tax           INTEGER NOT NULL,
    gross         INTEGER NOT NULL,
    tax_rate_bp   INTEGER NOT NULL,                   -- basis points
    clock         TEXT NOT NULL,                      -- canonical JSON vector clock
    content       TEXT NOT NULL,                      -- canonical JSON of this version
    content_hash  TEXT NOT NULL,
    captured_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
, outage_id INTEGER REFERENCES outage (id), original_key TEXT, original_id TEXT) STRICT;
INSERT INTO invoice VALUES('23B4F3E7-3B51-45C9-94F0-35377A3F7F48','pending',NULL,0,'normal','ordinary','032012610411','00000001','2026-11-27','9132010295894371XJ','南京睿智机械设备有限公司','91500106782M527441','重庆华信新材料有限责任公司','CNY',2401800,144108,2545908,600,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆华信新材料有限责任公司","taxID":"91500106782M527441"},"capturedAt":"2026-12-06T06:20:25.775Z","checkCode":"09263863239730260057","code":"032012610411","currency":"CNY","gross":"25459.08","id":"23B4F3E7-3B51-45C9-94F0-35377A3F7F48","issueDate":"2026-11-27","kind":"normal","net":"24018.00","number":"00000001","operator":"clerk05","seller":{"name":"南京睿智机械设备有限公司","taxID":"9132010295894371XJ"},"tax":"1441.08","taxRate":"0.06","type":"ordinary"}','52fa531c7b3fdbbc666c17ace2d1cf230d1dbee2506dec54dcac0b013a5e7fe7','2026-12-06T06:20:25.775Z','2026-12-06T06:20:25.778Z',NULL,NULL,NULL);
INSERT INTO invoice VALUES('B89498F6-3371-48B3-80B5-A2A7244BB4EC','pending',NULL,0,'normal','digitalOrdinary','','26500000000000000002','2026-12-01','915001041CW9T7566X','重庆安泰广告有限公司','9150010539439R2868','重庆弘毅机械设备有限公司','CNY',48647,6324,54971,1300,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆弘毅机械设备有限公司","taxID":"9150010539439R2868"},"capturedAt":"2026-12-06T06:20:25.776Z","checkCode":"54437291089094845684","currency":"CNY","gross":"549.71","id":"B89498F6-3371-48B3-80B5-A2A7244BB4EC","issueDate":"2026-12-01","kind":"normal","lines":[{"description":"网络服务费","net":"285.11","quantity":"1","tax":"37.06","taxRate":"0.13","unitPrice":"285.11"},{"description":"会议服务","net":"201.36","quantity":"1","tax":"26.18","taxRate":"0.13","unitPrice":"201.36"}],"net":"486.47","number":"26500000000000000002","operator":"clerk05","seller":{"name":"重庆安泰广告有限公司","taxID":"915001041CW9T7566X"},"tax":"63.24","taxRate":"0.13","type":"digitalOrdinary"}','b9732f876a56ff585dc5ef1c3b11292b125cbb0d0f196217c5974746ddc39ed4','2026-12-06T06:20:25.776Z','2026-12-06T06:20:25.778Z',NULL,NULL,NULL);
INSERT INTO invoice VALUES('D1B69D47-7DA3-4EC4-A28F-D4E1BE70A9B2','pending',NULL,0,'normal','ordinary','033012610411','00000003','2026-11-25','91330108541577865W','杭州安泰信息技术有限公司','914201111066769579','武汉德信科技有限责任公司','CNY',24365,1462,25827,600,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"武汉德信科技有限责任公司","taxID":"914201111066769579"},"capturedAt":"2026-12-06T06:20:25.776Z","checkCode":"83136016043714529398","code":"033012610411","currency":"CNY","gross":"258.27","id":"D1B69D47-7DA3-4EC4-A28F-D4E1BE70A9B2","issueDate":"2026-11-25","kind":"normal","lines":[{"description":"网络服务费","net":"243.65","quantity":"1","tax":"14.62","taxRate":"0.06","unitPrice":"243.65"}],"net":"243.65","number":"00000003","operator":"clerk03","seller":{"name":"杭州安泰信息技术有限公司","taxID":"91330108541577865W"},"tax":"14.62","taxRate":"0.06","type":"ordinary"}','e45325d3d5078920b0d072de9a80d2d7764bb4b6fb00dda76a4a553a6be6801f','2026-12-06T06:20:25.776Z','2026-12-06T06:20:25.778Z',NULL,NULL,NULL);
INSERT INTO invoice VALUES('EE974729-CA19-4FEB-BC58-8F22C3CE3958','pending',NULL,0,'normal','digitalOrdinary','','26330000000000000004','2026-11-26','91330110MCDF43554R','杭州蓝海机械设备有限公司','610113AP1P978Y6','西安万象餐饮管理股份有限公司','CNY',86137,11197,97334,1300,'{"bj-fixture-01":2}','{"branch":"bj-fixture-01","buyer":{"name":"西安万象餐饮管理股份有限公司","taxID":"610113AP1P978Y6"},"capturedAt":"2026-12-06T06:20:25.817Z","currency":"CNY","gross":"973.34","id":"EE974729-CA19-4FEB-BC58-8F22C3CE3958","issueDate":"2026-11-26","kind":"normal","lines":[{"description":"原材料","net":"587.96","quantity":"0.5","tax":"76.43","taxRate":"0.13","unitPrice":"1175.92"},{"description":"原材料","net":"273.41","quantity":"1","tax":"35.54","taxRate":"0.13","unitPrice":"273.41"}],"net":"861.37","note":"corrected","number":"26330000000000000004","operator":"clerk02","seller":{"name":"杭州蓝海机械设备有限公司","taxID":"91330110MCDF43554R"},"tax":"111.97","taxRate":"0.13","type":"digitalOrdinary"}','3b890765adba2124de14c38a404ae19c879bedb1ccbe57991ac6e7dfa295bf7d','2026-12-06T06:20:25.817Z','2026-12-06T06:20:28.517Z',1,NULL,NULL);
INSERT INTO invoice VALUES('0C5E9DF4-140E-48DF-8BD8-F22498E96F08','pending',NULL,0,'normal','digitalSpecial','','26110000000000000005','2026-11-24','911101016F77735148','北京锦程医疗器械有限公司','913301106342502G53','杭州新锐新材料有限公司','CNY',709285,42557,751842,600,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"杭州新锐新材料有限公司","taxID":"913301106342502G53"},"capturedAt":"2026-12-06T06:20:25.817Z","currency":"CNY","gross":"7518.42","id":"0C5E9DF4-140E-48DF-8BD8-F22498E96F08","issueDate":"2026-11-24","kind":"normal","net":"7092.85","number":"26110000000000000005","operator":"clerk03","seller":{"name":"北京锦程医疗器械有限公司","taxID":"911101016F77735148"},"tax":"425.57","taxRate":"0.06","type":"digitalSpecial"}','99bbe2965683d577a80774227c8bda6409f2abd5272430b24959f9e958e6e861','2026-12-06T06:20:25.817Z','2026-12-06T06:20:25.819Z',1,NULL,NULL);
INSERT INTO invoice VALUES('096B0A9F-9DDD-4373-9E00-BB383FF6C9E5','pending',NULL,0,'normal','ordinary','033012610311','00000006','2026-11-19','9133010818189K2024','杭州远航电子有限公司','91350100607K25130E','福州汇通信息技术有限公司','CNY',35204,1056,36260,300,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"福州汇通信息技术有限公司","taxID":"91350100607K25130E"},"capturedAt":"2026-12-06T06:20:25.817Z","checkCode":"17104555123195132723","code":"033012610311","currency":"CNY","gross":"362.60","id":"096B0A9F-9DDD-4373-9E00-BB383FF6C9E5","issueDate":"2026-11-19","kind":"normal","lines":[{"description":"维修服务","net":"352.04","quantity":"1","tax":"10.56","taxRate":"0.03","unitPrice":"352.04"}],"net":"352.04","number":"00000006","operator":"clerk02","seller":{"name":"杭州远航电子有限公司","taxID":"9133010818189K2024"},"tax":"10.56","taxRate":"0.03","type":"ordinary"}','c11ead72b798bda338ea99c0a71c92862756a2e4b99f9ec622de84be849af7a2','2026-12-06T06:20:25.817Z','2026-12-06T06:20:25.819Z',1,NULL,NULL);
INSERT INTO invoice VALUES('D0D22FFF-38DB-40CE-B734-15EC0EF58CBF','pending',NULL,0,'red','digitalOrdinary','','26500000000000000102','2026-12-06','915001041CW9T7566X','重庆安泰广告有限公司','9150010539439R2868','重庆弘毅机械设备有限公司','CNY',-48647,-6324,-54971,1300,'{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆弘毅机械设备有限公司","taxID":"9150010539439R2868"},"capturedAt":"2026-12-06T06:20:28.475Z","currency":"CNY","gross":"-549.71","id":"D0D22FFF-38DB-40CE-B734-15EC0EF58CBF","issueDate":"2026-12-06","kind":"red","lines":[{"description":"网络服务费","net":"-285.11","quantity":"1","tax":"-37.06","taxRate":"0.13","unitPrice":"285.11"},{"description":"会议服务","net":"-201.36","quantity":"1","tax":"-26.18","taxRate":"0.13","unitPrice":"201.36"}],"net":"-486.47","number":"26500000000000000102","originalNumber":"26500000000000000002","red":{"confirmation":"11010026110000000001","originalIssueDate":"2026-12-01","reason":"开票有误"},"seller":{"name":"重庆安泰广告有限公司","taxID":"915001041CW9T7566X"},"tax":"-63.24","taxRate":"0.13","type":"digitalOrdinary"}','3ff3d055a1ddd4e5d32db97e7e1139558439f8456acae426cbf7588baa9a70f6','2026-12-06T06:20:28.475Z','2026-12-06T06:20:28.478Z',1,'915001041CW9T7566X||26500000000000000002','B89498F6-3371-48B3-80B5-A2A7244BB4EC');
CREATE TABLE operation (
    seq          INTEGER PRIMARY KEY,                 -- journal order
    id           TEXT NOT NULL UNIQUE,                -- op id, the idempotency key
    invoice_id   TEXT NOT NULL REFERENCES invoice (id),
    kind         TEXT NOT NULL,                       -- create | amend | void | resolve
    clock        TEXT NOT NULL,
    payload      TEXT NOT NULL,                       -- canonical JSON invoice version
    hash         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',     -- pending | inFlight | inDoubt | accepted | duplicate | stale | conflict | rejected | quarantined
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
INSERT INTO operation VALUES(1,'94747FEC-D74B-4B85-AE30-40A0C9F1B49F','23B4F3E7-3B51-45C9-94F0-35377A3F7F48','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆华信新材料有限责任公司","taxID":"91500106782M527441"},"capturedAt":"2026-12-06T06:20:25.775Z","checkCode":"09263863239730260057","code":"032012610411","currency":"CNY","gross":"25459.08","id":"23B4F3E7-3B51-45C9-94F0-35377A3F7F48","issueDate":"2026-11-27","kind":"normal","net":"24018.00","number":"00000001","operator":"clerk05","seller":{"name":"南京睿智机械设备有限公司","taxID":"9132010295894371XJ"},"tax":"1441.08","taxRate":"0.06","type":"ordinary"}','66966efec886dbaf809ae470b3d9c4bbbada64f4fa56c224f96d832d7e58bcb2','pending',0,NULL,'2026-12-06T06:20:25.778Z','2026-12-06T06:20:25.778Z');
INSERT INTO operation VALUES(2,'1BF56D61-937A-403B-9C07-585BB31A240E','B89498F6-3371-48B3-80B5-A2A7244BB4EC','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆弘毅机械设备有限公司","taxID":"9150010539439R2868"},"capturedAt":"2026-12-06T06:20:25.776Z","checkCode":"54437291089094845684","currency":"CNY","gross":"549.71","id":"B89498F6-3371-48B3-80B5-A2A7244BB4EC","issueDate":"2026-12-01","kind":"normal","lines":[{"description":"网络服务费","net":"285.11","quantity":"1","tax":"37.06","taxRate":"0.13","unitPrice":"285.11"},{"description":"会议服务","net":"201.36","quantity":"1","tax":"26.18","taxRate":"0.13","unitPrice":"201.36"}],"net":"486.47","number":"26500000000000000002","operator":"clerk05","seller":{"name":"重庆安泰广告有限公司","taxID":"915001041CW9T7566X"},"tax":"63.24","taxRate":"0.13","type":"digitalOrdinary"}','d1edd7c9f306d0fd2726951cea226a50cfac4cfadac149e3aa70da0c361c4916','pending',0,NULL,'2026-12-06T06:20:25.778Z','2026-12-06T06:20:25.778Z');
INSERT INTO operation VALUES(3,'DC7ECED6-3249-4FA9-90C3-1D4656A74154','D1B69D47-7DA3-4EC4-A28F-D4E1BE70A9B2','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"武汉德信科技有限责任公司","taxID":"914201111066769579"},"capturedAt":"2026-12-06T06:20:25.776Z","checkCode":"83136016043714529398","code":"033012610411","currency":"CNY","gross":"258.27","id":"D1B69D47-7DA3-4EC4-A28F-D4E1BE70A9B2","issueDate":"2026-11-25","kind":"normal","lines":[{"description":"网络服务费","net":"243.65","quantity":"1","tax":"14.62","taxRate":"0.06","unitPrice":"243.65"}],"net":"243.65","number":"00000003","operator":"clerk03","seller":{"name":"杭州安泰信息技术有限公司","taxID":"91330108541577865W"},"tax":"14.62","taxRate":"0.06","type":"ordinary"}','d96d3161954b17cb4968852c16202dea80e9e31125b601125b7c1abc67069291','pending',0,NULL,'2026-12-06T06:20:25.778Z','2026-12-06T06:20:25.778Z');
INSERT INTO operation VALUES(4,'B1AD2908-93B6-43E1-B4E1-1BCE0088500E','EE974729-CA19-4FEB-BC58-8F22C3CE3958','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"西安万象餐饮管理股份有限公司","taxID":"610113AP1P978Y6"},"capturedAt":"2026-12-06T06:20:25.817Z","currency":"CNY","gross":"973.34","id":"EE974729-CA19-4FEB-BC58-8F22C3CE3958","issueDate":"2026-11-26","kind":"normal","lines":[{"description":"原材料","net":"587.96","quantity":"0.5","tax":"76.43","taxRate":"0.13","unitPrice":"1175.92"},{"description":"原材料","net":"273.41","quantity":"1","tax":"35.54","taxRate":"0.13","unitPrice":"273.41"}],"net":"861.37","number":"26330000000000000004","operator":"clerk02","seller":{"name":"杭州蓝海机械设备有限公司","taxID":"91330110MCDF43554R"},"tax":"111.97","taxRate":"0.13","type":"digitalOrdinary"}','e104dffc1afe7e344849a10a23104f7257f66ccafba95ca5acbb905d69f50f2c','pending',0,NULL,'2026-12-06T06:20:25.819Z','2026-12-06T06:20:25.819Z');
INSERT INTO operation VALUES(5,'730CE1C4-1316-4898-933B-223BAB012D3E','0C5E9DF4-140E-48DF-8BD8-F22498E96F08','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"杭州新锐新材料有限公司","taxID":"913301106342502G53"},"capturedAt":"2026-12-06T06:20:25.817Z","currency":"CNY","gross":"7518.42","id":"0C5E9DF4-140E-48DF-8BD8-F22498E96F08","issueDate":"2026-11-24","kind":"normal","net":"7092.85","number":"26110000000000000005","operator":"clerk03","seller":{"name":"北京锦程医疗器械有限公司","taxID":"911101016F77735148"},"tax":"425.57","taxRate":"0.06","type":"digitalSpecial"}','9e7f986213d49b951c163a95504c22ec19394455af82fb4fdb028384f1b56bce','pending',0,NULL,'2026-12-06T06:20:25.819Z','2026-12-06T06:20:25.819Z');
INSERT INTO operation VALUES(6,'AA54CB34-DEAB-498A-BE8F-7FB06C64A6D6','096B0A9F-9DDD-4373-9E00-BB383FF6C9E5','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"福州汇通信息技术有限公司","taxID":"91350100607K25130E"},"capturedAt":"2026-12-06T06:20:25.817Z","checkCode":"17104555123195132723","code":"033012610311","currency":"CNY","gross":"362.60","id":"096B0A9F-9DDD-4373-9E00-BB383FF6C9E5","issueDate":"2026-11-19","kind":"normal","lines":[{"description":"维修服务","net":"352.04","quantity":"1","tax":"10.56","taxRate":"0.03","unitPrice":"352.04"}],"net":"352.04","number":"00000006","operator":"clerk02","seller":{"name":"杭州远航电子有限公司","taxID":"9133010818189K2024"},"tax":"10.56","taxRate":"0.03","type":"ordinary"}','35dbb1cb6e83a0e105e277b8c4094a3133476d35b9c6c26d89646f16548d323c','pending',0,NULL,'2026-12-06T06:20:25.819Z','2026-12-06T06:20:25.819Z');
INSERT INTO operation VALUES(7,'90FE2826-2755-40D2-97A0-BD1DC9B65A95','D0D22FFF-38DB-40CE-B734-15EC0EF58CBF','create','{"bj-fixture-01":1}','{"branch":"bj-fixture-01","buyer":{"name":"重庆弘毅机械设备有限公司","taxID":"9150010539439R2868"},"capturedAt":"2026-12-06T06:20:28.475Z","currency":"CNY","gross":"-549.71","id":"D0D22FFF-38DB-40CE-B734-15EC0EF58CBF","issueDate":"2026-12-06","kind":"red","lines":[{"description":"网络服务费","net":"-285.11","quantity":"1","tax":"-37.06","taxRate":"0.13","unitPrice":"285.11"},{"description":"会议服务","net":"-201.36","quantity":"1","tax":"-26.18","taxRate":"0.13","unitPrice":"201.36"}],"net":"-486.47","number":"26500000000000000102","originalNumber":"26500000000000000002","red":{"confirmation":"11010026110000000001","originalIssueDate":"2026-12-01","reason":"开票有误"},"seller":{"name":"重庆安泰广告有限公司","taxID":"915001041CW9T7566X"},"tax":"-63.24","taxRate":"0.13","type":"digitalOrdinary"}','37df740bd12ccc08b6b35f9d762ed3d3ee40f7f5fde72932146a3ab72a7560fd','pending',0,NULL,'2026-12-06T06:20:28.478Z','2026-12-06T06:20:28.478Z');
INSERT INTO operation VALUES(8,'2ECB0D27-360E-4484-915B-B865423800E5','EE974729-CA19-4FEB-BC58-8F22C3CE3958','amend','{"bj-fixture-01":2}','{"branch":"bj-fixture-01","buyer":{"name":"西安万象餐饮管理股份有限公司","taxID":"610113AP1P978Y6"},"capturedAt":"2026-12-06T06:20:25.817Z","currency":"CNY","gross":"973.34","id":"EE974729-CA19-4FEB-BC58-8F22C3CE3958","issueDate":"2026-11-26","kind":"normal","lines":[{"description":"原材料","net":"587.96","quantity":"0.5","tax":"76.43","taxRate":"0.13","unitPrice":"1175.92"},{"description":"原材料","net":"273.41","quantity":"1","tax":"35.54","taxRate":"0.13","unitPrice":"273.41"}],"net":"861.37","note":"corrected","number":"26330000000000000004","operator":"clerk02","seller":{"name":"杭州蓝海机械设备有限公司","taxID":"91330110MCDF43554R"},"tax":"111.97","taxRate":"0.13","type":"digitalOrdinary"}','080d2250f2cc0b49b0e6d637d294ac832d85297b694bc551df47fdfe05741107','pending',0,NULL,'2026-12-06T06:20:28.517Z','2026-12-06T06:20:28.517Z');
CREATE TABLE audit_entry (
    seq          INTEGER PRIMARY KEY,
    wall_time    TEXT NOT NULL,
    node         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    event        TEXT NOT NULL,
    invoice_id   TEXT,
    op_id        TEXT,
    clock        TEXT NOT NULL,
    details      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
) STRICT;
INSERT INTO audit_entry VALUES(1,'2026-12-06T06:20:25.745Z','bj-fixture-01','unknown','initialized',NULL,NULL,'{}','{"profile":"cn-digital","profileVersion":"2026-12-04","rateTable":"2019-04-01","schemaVersion":4,"simulatedClock":false}','0000000000000000000000000000000000000000000000000000000000000000','9d5c39559b39e88c1b0440e055ad582dc8f63f8a66717bb88f44dcecb00835a5');
INSERT INTO audit_entry VALUES(2,'2026-12-06T06:20:25.778Z','bj-fixture-01','clerk','captured','23B4F3E7-3B51-45C9-94F0-35377A3F7F48','94747FEC-D74B-4B85-AE30-40A0C9F1B49F','{"bj-fixture-01":1}','{"kind":"create","number":"00000001","operationHash":"66966efec886dbaf809ae470b3d9c4bbbada64f4fa56c224f96d832d7e58bcb2","source":"import:a.jsonl","type":"ordinary"}','9d5c39559b39e88c1b0440e055ad582dc8f63f8a66717bb88f44dcecb00835a5','8fd4bdbea3875740ed4f746e1fca3344189eecb70bffa08dfbbfde16035973dc');
INSERT INTO audit_entry VALUES(3,'2026-12-06T06:20:25.778Z','bj-fixture-01','clerk','captured','B89498F6-3371-48B3-80B5-A2A7244BB4EC','1BF56D61-937A-403B-9C07-585BB31A240E','{"bj-fixture-01":1}','{"kind":"create","number":"26500000000000000002","operationHash":"d1edd7c9f306d0fd2726951cea226a50cfac4cfadac149e3aa70da0c361c4916","source":"import:a.jsonl","type":"digitalOrdinary"}','8fd4bdbea3875740ed4f746e1fca3344189eecb70bffa08dfbbfde16035973dc','5f55a6be93cfcf68a4bc277d0d5759270b13e0ea4627eca0c248a619fc2f2dbd');
INSERT INTO audit_entry VALUES(4,'2026-12-06T06:20:25.778Z','bj-fixture-01','clerk','captured','D1B69D47-7DA3-4EC4-A28F-D4E1BE70A9B2','DC7ECED6-3249-4FA9-90C3-1D4656A74154','{"bj-fixture-01":1}','{"kind":"create","number":"00000003","operationHash":"d96d3161954b17cb4968852c16202dea80e9e31125b601125b7c1abc67069291","source":"import:a.jsonl","type":"ordinary"}','5f55a6be93cfcf68a4bc277d0d5759270b13e0ea4627eca0c248a619fc2f2dbd','9982de3f3ab7ad5509269d589154d323844f81bb1e83b99454854ea1ad2e8fbe');
INSERT INTO audit_entry VALUES(5,'2026-12-06T06:20:25.796Z','bj-fixture-01','clerk','outageStarted',NULL,NULL,'{}','{"mode":"outage","notice":null,"outage":1}','9982de3f3ab7ad5509269d589154d323844f81bb1e83b99454854ea1ad2e8fbe','634e4d3fdd18ee0a37689d1ecf5ea93041b87a9b01034de2ae43140683a05fb4');
INSERT INTO audit_entry VALUES(6,'2026-12-06T06:20:25.819Z','bj-fixture-01','clerk','captured','EE974729-CA19-4FEB-BC58-8F22C3CE3958','B1AD2908-93B6-43E1-B4E1-1BCE0088500E','{"bj-fixture-01":1}','{"kind":"create","number":"26330000000000000004","operationHash":"e104dffc1afe7e344849a10a23104f7257f66ccafba95ca5acbb905d69f50f2c","outage":1,"source":"import:b.jsonl","type":"digitalOrdinary"}','634e4d3fdd18ee0a37689d1ecf5ea93041b87a9b01034de2ae43140683a05fb4','464b1d19fd1404952898146b752be150c47061ad65848192669af572ee73ac51');
INSERT INTO audit_entry VALUES(7,'2026-12-06T06:20:25.819Z','bj-fixture-01','clerk','captured','0C5E9DF4-140E-48DF-8BD8-F22498E96F08','730CE1C4-1316-4898-933B-223BAB012D3E','{"bj-fixture-01":1}','{"kind":"create","number":"26110000000000000005","operationHash":"9e7f986213d49b951c163a95504c22ec19394455af82fb4fdb028384f1b56bce","outage":1,"source":"import:b.jsonl","type":"digitalSpecial"}','464b1d19fd1404952898146b752be150c47061ad65848192669af572ee73ac51','130ec1b45dc98bda14e87ff8df78d9096066b0b79240a660c8bd8fb25ce70d5f');
INSERT INTO audit_entry VALUES(8,'2026-12-06T06:20:25.819Z','bj-fixture-01','clerk','captured','096B0A9F-9DDD-4373-9E00-BB383FF6C9E5','AA54CB34-DEAB-498A-BE8F-7FB06C64A6D6','{"bj-fixture-01":1}','{"kind":"create","number":"00000006","operationHash":"35dbb1cb6e83a0e105e277b8c4094a3133476d35b9c6c26d89646f16548d323c","outage":1,"source":"import:b.jsonl","type":"ordinary"}','130ec1b45dc98bda14e87ff8df78d9096066b0b79240a660c8bd8fb25ce70d5f','5fdd51c87d1dd723cd77409e79cb0f4970e7a73b71aa5cdaaf266e7c04d00575');
INSERT INTO audit_entry VALUES(9,'2026-12-06T06:20:28.478Z','bj-fixture-01','clerk','captured','D0D22FFF-38DB-40CE-B734-15EC0EF58CBF','90FE2826-2755-40D2-97A0-BD1DC9B65A95','{"bj-fixture-01":1}','{"kind":"create","number":"26500000000000000102","operationHash":"37df740bd12ccc08b6b35f9d762ed3d3ee40f7f5fde72932146a3ab72a7560fd","outage":1,"source":"red","type":"digitalOrdinary"}','5fdd51c87d1dd723cd77409e79cb0f4970e7a73b71aa5cdaaf266e7c04d00575','406c55be6687f474b846da44fb0b06c5b596e99a247a00f29d20f2afec4c7561');
INSERT INTO audit_entry VALUES(10,'2026-12-06T06:20:28.517Z','bj-fixture-01','clerk','amended','EE974729-CA19-4FEB-BC58-8F22C3CE3958','2ECB0D27-360E-4484-915B-B865423800E5','{"bj-fixture-01":2}','{"changedFields":["note"],"kind":"amend","operationHash":"080d2250f2cc0b49b0e6d637d294ac832d85297b694bc551df47fdfe05741107"}','406c55be6687f474b846da44fb0b06c5b596e99a247a00f29d20f2afec4c7561','7cdb2b65a86f482c0a7406d07acafa5274e7d0e544d2293df15ce67506cf65ba');
CREATE TABLE conflict (
    id              TEXT PRIMARY KEY NOT NULL,
    invoice_id      TEXT NOT NULL REFERENCES invoice (id),
    kind            TEXT NOT NULL,
    local_content   TEXT NOT NULL,
    local_clock     TEXT NOT NULL,
    remote_content  TEXT,
    remote_clock    TEXT,
    ancestor_content TEXT,
    ancestor_clock  TEXT,
    detected_at     TEXT NOT NULL,
    resolved_at     TEXT,
    resolution      TEXT                              -- canonical JSON: policy or person, reason, result
, source TEXT NOT NULL DEFAULT 'push', operation_id TEXT, resolved_by TEXT) STRICT;
CREATE TABLE sync_lease (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    owner       TEXT,
    expires_at  TEXT,
    epoch       INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_lease VALUES(1,NULL,NULL,0);
CREATE TABLE outage (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    mode        TEXT NOT NULL,                        -- the profile's mode name, or `outage`
    notice      TEXT,                                 -- the authority's announcement, if any
    opened_by   TEXT NOT NULL,                        -- a person, or `sync`
    closed_by   TEXT
) STRICT;
INSERT INTO outage VALUES(1,'2026-12-06T06:20:25.796Z',NULL,'outage',NULL,'clerk',NULL);
CREATE TABLE closed_period (
    month      TEXT PRIMARY KEY NOT NULL,             -- YYYY-MM
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL
) STRICT;
CREATE TABLE number_series (
    id        INTEGER PRIMARY KEY,
    type      TEXT NOT NULL,
    code      TEXT NOT NULL DEFAULT '',              -- '' for digital types
    first     TEXT NOT NULL,                         -- digits, the width of the type's numbers
    last      TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL
) STRICT;
CREATE TABLE number_explanation (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL DEFAULT '',
    first   TEXT NOT NULL,
    last    TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL,
    by      TEXT NOT NULL
) STRICT;
CREATE TABLE notifier (
    name      TEXT PRIMARY KEY NOT NULL,
    target    TEXT NOT NULL,                          -- exec:PROGRAM [ARGS] or http(s)://HOST/PATH
    mail_to   TEXT,                                   -- the address a mail message is written for
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL
) STRICT;
CREATE TABLE notice_sent (
    key         TEXT PRIMARY KEY NOT NULL,
    first_sent  TEXT NOT NULL,
    last_sent   TEXT NOT NULL,
    times       INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX invoice_number ON invoice (seller_tax_id, code, number);
CREATE INDEX invoice_state ON invoice (sync_state, captured_at);
CREATE INDEX operation_status ON operation (status, seq);
CREATE INDEX operation_invoice ON operation (invoice_id, seq);
CREATE INDEX audit_entry_invoice ON audit_entry (invoice_id, seq);
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END;
CREATE INDEX conflict_open ON conflict (resolved_at, detected_at);
CREATE INDEX conflict_invoice ON conflict (invoice_id, resolved_at);
CREATE INDEX outage_open ON outage (ended_at);
CREATE INDEX invoice_outage ON invoice (outage_id);
CREATE INDEX invoice_original ON invoice (original_key);
CREATE INDEX invoice_number_alone ON invoice (number);
COMMIT;
PRAGMA application_id = 1178685513;
PRAGMA user_version = 4;
