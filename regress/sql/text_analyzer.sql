-- The analyzer as a DBA sees it: commerce.tokenize and commerce.analyzers, across scripts.
SET search_path TO public, commerce;

SELECT name, stop_words, stemmer, folds_accents FROM analyzers()
  WHERE name IN ('english', 'simple', 'thai', 'icu') ORDER BY name;
-- English: stop words dropped (positions kept), Snowball stems, accents folded
SELECT * FROM tokenize('The Runners were RUNNING to the café');
-- model numbers: the joined term plus its parts; fractions and sizes stay whole
SELECT * FROM tokenize('Sony WH-1000XM4, 4K TV, 1/2" pipe, 2.5mm jack');
-- NFKC: full-width and ligatures fold to plain letters
SELECT term FROM tokenize('ＷＨ－１０００ＸＭ４ ﬁne', 'simple');
-- Thai, Chinese and Japanese are split into words by ICU's dictionaries
SELECT string_agg(term, ' | ' ORDER BY position) FROM tokenize('หูฟังไร้สาย รุ่นใหม่ และ กระเป๋าเป้', 'thai');
SELECT string_agg(term, ' | ' ORDER BY position) FROM tokenize('OPPO A75 手机壳 羊毛保暖袜', 'icu');
SELECT string_agg(term, ' | ' ORDER BY position) FROM tokenize('ソニー ワイヤレスヘッドホン 黒色の革靴', 'icu');
-- nothing to index
SELECT count(*) FROM tokenize('', 'english');
SELECT count(*) FROM tokenize(' ,.; — ', 'english');
SELECT count(*) FROM tokenize(NULL, 'english');
-- bad input
SELECT * FROM try($$SELECT * FROM commerce.tokenize('text', 'klingon')$$);
