-- BM25 without an index (commerce.bm25_score over a window), query syntax, synonyms, typo
-- tolerance, highlighting, and product titles in Thai and Japanese found by words inside them.
SET search_path TO public, commerce;

CREATE TABLE text_items (id int PRIMARY KEY, title text);
INSERT INTO text_items VALUES
  (1, 'Sony WH-1000XM4 Wireless Noise Cancelling Headphones'),
  (2, 'Wired Headphones with Microphone'),
  (3, 'Bluetooth Speaker, waterproof'),
  (4, 'Leather Sofa, three seater'),
  (5, 'Grey Fabric Couch'),
  (6, 'Samsung 55" 4K Television'),
  (7, 'TV wall mount for 4K screens'),
  (8, NULL);

-- OR semantics: more matched words rank higher; non-matching rows score 0, NULL documents NULL
SELECT id, round(bm25_score(title, 'wireless headphones') OVER ()::numeric, 4) AS score
  FROM text_items ORDER BY score DESC NULLS LAST, id;
-- +required and -excluded
SELECT id FROM (SELECT id, bm25_score(title, '+headphones -wireless') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY s DESC, id;
-- "phrase": only the words in this order
SELECT id FROM (SELECT id, bm25_score(title, '"noise cancelling"') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, '"cancelling noise"') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY id;
-- model numbers typed either way
SELECT id FROM (SELECT id, bm25_score(title, 'wh1000xm4') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, '+WH-1000XM4') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY id;
-- typo tolerance (on by default, off through the sixth argument)
SELECT id FROM (SELECT id, bm25_score(title, 'bluetoth speakr') OVER () AS s FROM text_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, 'bluetoth', 'english', 1.2, 0.75, false) OVER () AS s
  FROM text_items) t WHERE s > 0 ORDER BY id;
-- the partition is the corpus: scores differ per partition
SELECT id, id % 2 AS part, round(bm25_score(title, 'headphones') OVER (PARTITION BY id % 2)::numeric, 4)
  FROM text_items WHERE id IN (1, 2, 3, 4) ORDER BY id;

-- several fields with weights: a title match counts twice a description match
CREATE TABLE text_fields (id int PRIMARY KEY, title text, description text);
INSERT INTO text_fields VALUES
  (1, 'Oak desk', 'solid wood, brass handles'),
  (2, 'Brass lamp', 'for an oak desk'),
  (3, 'Chair', NULL);
SELECT id, round(bm25_score(ARRAY[title, description], ARRAY[2.0, 1.0], 'brass') OVER ()::numeric, 4)
  FROM text_fields ORDER BY id;
SELECT id, round(bm25_score(ARRAY[title, description], ARRAY[1.0, 1.0], 'brass', 'english', 1.2, 0.75, false)
  OVER ()::numeric, 4) FROM text_fields ORDER BY id;
SELECT * FROM try($$SELECT commerce.bm25_score(ARRAY[title, description], ARRAY[1.0], 'x') OVER () FROM text_fields$$);
SELECT * FROM try($$SELECT commerce.bm25_score(ARRAY[title], ARRAY[0.0], 'x') OVER () FROM text_fields$$);

-- synonyms: two-way and one-way
INSERT INTO synonyms VALUES ('sofa', 'couch', true), ('tv', 'television', false);
SELECT id FROM (SELECT id, bm25_score(title, 'couch') OVER () AS s FROM text_items) t WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, 'tv') OVER () AS s FROM text_items) t WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, 'television') OVER () AS s FROM text_items) t WHERE s > 0 ORDER BY id;
SELECT * FROM try($$INSERT INTO commerce.synonyms VALUES ('tv set', 'television', false)$$);
SELECT * FROM try($$INSERT INTO commerce.synonyms VALUES ('Sofa', 'sofa', true)$$);

-- highlighting
SELECT highlight(title, 'headphone wireles') FROM text_items WHERE id = 1;
SELECT highlight(title, 'WH-1000XM4', 'english', '[', ']') FROM text_items WHERE id = 1;
SELECT highlight(title, 'couch') FROM text_items WHERE id = 4;
SELECT highlight('one two three four five six wool seven wool eight nine ten', 'wool', 'simple', '*', '*', 4);

-- Thai and Japanese product titles found by words inside them
CREATE TABLE text_asian_items (id int PRIMARY KEY, title text);
INSERT INTO text_asian_items VALUES
  (1, 'หูฟังไร้สายโซนี่รุ่นใหม่'),        -- Sony wireless headphones, new model
  (2, 'กระเป๋าเป้สะพายหลังกันน้ำ'),       -- waterproof backpack
  (3, 'ソニー ワイヤレスヘッドホン 黒'),   -- Sony wireless headphones, black
  (4, '本革ビジネスシューズ 黒色の革靴');  -- leather business shoes
SELECT id FROM (SELECT id, bm25_score(title, 'สาย', 'icu') OVER () AS s FROM text_asian_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, 'กระเป๋า', 'thai') OVER () AS s FROM text_asian_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, 'ヘッドホン', 'icu') OVER () AS s FROM text_asian_items) t
  WHERE s > 0 ORDER BY id;
SELECT id FROM (SELECT id, bm25_score(title, '革靴', 'icu') OVER () AS s FROM text_asian_items) t
  WHERE s > 0 ORDER BY id;
SELECT highlight(title, 'ヘッドホン', 'icu') FROM text_asian_items WHERE id = 3;
SELECT highlight(title, 'กันน้ำ', 'thai') FROM text_asian_items WHERE id = 2;

-- bad input
SELECT * FROM try($$SELECT commerce.bm25_score(title, '"unterminated') OVER () FROM text_items$$);
SELECT * FROM try($$SELECT commerce.bm25_score(title, 'x', 'english', -1, 0.75, true) OVER () FROM text_items$$);
SELECT * FROM try($$SELECT commerce.bm25_score(title, 'x', 'english', 1.2, 2, true) OVER () FROM text_items$$);
SELECT * FROM try($$SELECT commerce.bm25_score(title, 'x', 'klingon') OVER () FROM text_items$$);
SELECT * FROM try($$SELECT commerce.highlight('text', 'x', 'english', '<b>', '</b>', -1)$$);
SELECT * FROM try($$SELECT commerce.highlight('text', 'x', 'klingon')$$);
SELECT count(*) FROM (SELECT bm25_score(title, NULL) OVER () AS s FROM text_items) t WHERE s IS NULL;
