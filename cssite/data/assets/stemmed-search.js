/* cssite: Material's search worker, with whole words stemmed in the query and ё read as е.
 *
 * Material appends "*" to every word the reader types, and lunr skips the stemmer for a
 * wildcard term. With a stemmed index ("лояльности" → "лояльн") a word typed in full
 * ("лояльность*") then matches nothing. Here each "word*" in a query is replaced by
 * "stem*", using the index's own search pipeline, before lunr parses it.
 *
 * Russian writes ё or е for the same letter («удовлетворённость», «удовлетворенность»), so
 * both the indexed words and the query's words go through one function that reads ё as е,
 * first in each pipeline (before the stemmer, which treats them as different letters).
 */
importScripts("__MATERIAL_WORKER__");

(function (lunr) {
  var pipeline = null;

  function foldYo(s) {
    return s.replace(/ё/g, "е").replace(/Ё/g, "Е");
  }
  var yo = function (token) {
    return token.update(foldYo);
  };
  lunr.Pipeline.registerFunction(yo, "cssiteFoldYo");

  function first(p) {
    if (p._stack[0] !== yo) {
      p.remove(yo);
      p._stack.unshift(yo);
    }
  }

  // Material sets up both pipelines inside lunr's builder callback, then adds the documents:
  // the first add() is where both pipelines are final and no word has been indexed yet.
  var add = lunr.Builder.prototype.add;
  lunr.Builder.prototype.add = function (doc, attributes) {
    first(this.pipeline);
    first(this.searchPipeline);
    return add.call(this, doc, attributes);
  };

  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    first(this.searchPipeline);
    var index = build.call(this);
    pipeline = index.pipeline;  // the search pipeline: ё → е, trimmer, stop words, stemmer
    return index;
  };

  var parseTerm = lunr.QueryParser.parseTerm;
  lunr.QueryParser.parseTerm = function (parser) {
    var lexeme = parser.peekLexeme();
    if (lexeme && lexeme.str) lexeme.str = foldYo(lexeme.str);
    if (pipeline && lexeme && /^[^*]{2,}\*$/.test(lexeme.str)) {
      var stems = pipeline.runString(lexeme.str.slice(0, -1).toLowerCase());
      if (stems.length && stems[0]) lexeme.str = stems[0] + "*";
    }
    return parseTerm(parser);
  };
})(self.lunr);
