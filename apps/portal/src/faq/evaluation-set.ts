// The evaluation set of 「シカク」: realistic questions from institution staff, each with the entry
// that answers it or null where the FAQ has no answer (シカク must then say it cannot answer).
// `from` names the public page each question is modelled on (docs/portal-faq.md has the addresses):
// the real portal's FAQ pages on accounts, readers, subsidies, usage applications and the 2023
// obligation, a vendor's operations FAQ (out-of-scope questions), the seed notice, or 'paraphrase'
// (another wording, kana spelling or width of a question already in the set).
export type EvalSource =
  | 'portal-account'
  | 'portal-readers'
  | 'portal-subsidy'
  | 'portal-usage'
  | 'portal-obligation'
  | 'vendor-operations'
  | 'seed'
  | 'paraphrase'
  | 'off-topic';

export interface EvalQuestion {
  q: string;
  expect: string | null;
  from: EvalSource;
}

const e = (q: string, expect: string | null, from: EvalSource): EvalQuestion => ({
  q,
  expect,
  from,
});

export const FAQ_EVALUATION: readonly EvalQuestion[] = [
  // FAQ-01 registration
  e('ポータルサイトの登録方法を教えてください', 'FAQ-01', 'portal-account'),
  e('初めて使うのですがアカウントはどうやって作りますか', 'FAQ-01', 'portal-account'),
  e('新規登録のやり方がわかりません', 'FAQ-01', 'paraphrase'),
  e('会員登録には何を入力すればいいですか', 'FAQ-01', 'paraphrase'),
  e('とうろくのしかたをおしえて', 'FAQ-01', 'paraphrase'),
  // FAQ-02 institution code
  e('医療機関コードを入れるとエラーになります', 'FAQ-02', 'paraphrase'),
  e('医療機関コードが正しくありませんと出ます', 'FAQ-02', 'paraphrase'),
  e('１０桁の医療機関コードの最後の数字は何ですか', 'FAQ-02', 'paraphrase'),
  e('点数表番号って何を入れればいいの', 'FAQ-02', 'paraphrase'),
  // FAQ-03 confirmation mail
  e('登録したのに確認メールが来ません', 'FAQ-03', 'portal-account'),
  e('認証メールが届かないときはどうすればいいですか', 'FAQ-03', 'paraphrase'),
  e('確認リンクの有効期限は何時間ですか', 'FAQ-03', 'paraphrase'),
  e('かくにんめーるがとどかない', 'FAQ-03', 'paraphrase'),
  // FAQ-04 password
  e('パスワードを忘れてしまいました', 'FAQ-04', 'portal-account'),
  e('ログインできません。パスワードを再設定したい', 'FAQ-04', 'paraphrase'),
  e('ﾊﾟｽﾜｰﾄﾞをリセットする方法', 'FAQ-04', 'paraphrase'),
  e('ぱすわーどをわすれた', 'FAQ-04', 'paraphrase'),
  // FAQ-05 number of free readers
  e('カードリーダーは何台まで無料でもらえますか', 'FAQ-05', 'portal-readers'),
  e('病院は顔認証付きカードリーダーを何台申し込めますか', 'FAQ-05', 'portal-readers'),
  e('診療所で無償提供されるカードリーダーの台数は', 'FAQ-05', 'portal-readers'),
  e('薬局は何台までですか', 'FAQ-05', 'paraphrase'),
  e('かーどりーだーはなんだいもらえる', 'FAQ-05', 'paraphrase'),
  e('ｶｰﾄﾞﾘｰﾀﾞｰは無償ですか', 'FAQ-05', 'paraphrase'),
  // FAQ-06 choose a model
  e('カードリーダーの機種はどうやって選べばいいですか', 'FAQ-06', 'portal-readers'),
  e('どのメーカーの製品を選べますか', 'FAQ-06', 'paraphrase'),
  e('型番はどこで指定しますか', 'FAQ-06', 'paraphrase'),
  e('機種の選び方を教えて', 'FAQ-06', 'paraphrase'),
  // FAQ-07 機種未定 accepted when
  e('機種未定で申し込みできますか', 'FAQ-07', 'seed'),
  e('機種がまだ決まっていないのですが申込できますか', 'FAQ-07', 'seed'),
  e('「機種未定」の受付期間はいつですか', 'FAQ-07', 'seed'),
  e('きしゅみていでもうしこめますか', 'FAQ-07', 'paraphrase'),
  e('キシュミテイの受付期間', 'FAQ-07', 'paraphrase'),
  // FAQ-08 deadline to choose the model
  e('機種未定の期限はいつまでですか', 'FAQ-08', 'seed'),
  e('機種の選定期限は延長されましたか', 'FAQ-08', 'seed'),
  e('機種を選ばないと申込は取り消されますか', 'FAQ-08', 'seed'),
  e('8月1日を過ぎたらどうなりますか', 'FAQ-08', 'seed'),
  e('きしゅみていのきげんはいつ', 'FAQ-08', 'paraphrase'),
  e('機種選定の締め切りを教えてください', 'FAQ-08', 'paraphrase'),
  // FAQ-09 change the model
  e('申し込んだ機種を変更したい', 'FAQ-09', 'seed'),
  e('電話で機種変更はできますか', 'FAQ-09', 'seed'),
  e('機種を変えるにはどうすればいいですか', 'FAQ-09', 'paraphrase'),
  e('変更の履歴はどこで見られますか', 'FAQ-09', 'paraphrase'),
  // FAQ-10 special reason / consultation desk
  e('システム事業者から見積りが出ないので機種が決められません', 'FAQ-10', 'seed'),
  e('ベンダーから見積もりが届きません', 'FAQ-10', 'seed'),
  e('特別な事情があるときの相談窓口はありますか', 'FAQ-10', 'seed'),
  e('そうだんまどぐちにそうだんしたい', 'FAQ-10', 'paraphrase'),
  // FAQ-11 usage application
  e('オンライン資格確認の利用申請はどうすればよいですか', 'FAQ-11', 'portal-usage'),
  e('オンライン資格確認を始めるにはどんな手続きが必要ですか', 'FAQ-11', 'portal-usage'),
  e('利用申請とは何ですか', 'FAQ-11', 'paraphrase'),
  e('りようしんせいのほうほう', 'FAQ-11', 'paraphrase'),
  // FAQ-12 lost secret
  e('クライアントシークレットを紛失しました', 'FAQ-12', 'paraphrase'),
  e('認証情報を再発行したい', 'FAQ-12', 'paraphrase'),
  e('シークレットをもう一度表示できますか', 'FAQ-12', 'paraphrase'),
  e('クライアントIDとシークレットをなくしてしまった', 'FAQ-12', 'paraphrase'),
  // FAQ-13 leaked credentials
  e('認証情報が漏えいしたかもしれません', 'FAQ-13', 'paraphrase'),
  e('シークレットが流出したときの対応', 'FAQ-13', 'paraphrase'),
  e('クライアントIDを失効させたい', 'FAQ-13', 'paraphrase'),
  // FAQ-14 subsidy amount
  e('補助金はいくらもらえますか', 'FAQ-14', 'portal-subsidy'),
  e('診療所の補助金の上限額を教えてください', 'FAQ-14', 'portal-subsidy'),
  e('病院でカードリーダーを3台入れたときの補助額は', 'FAQ-14', 'portal-subsidy'),
  e('補助率は何分の何ですか', 'FAQ-14', 'portal-subsidy'),
  e('ほじょきんのきんがく', 'FAQ-14', 'paraphrase'),
  e('補助上限は消費税込みですか', 'FAQ-14', 'paraphrase'),
  // FAQ-15 how to apply for the subsidy
  e('補助金の申請方法を教えてください', 'FAQ-15', 'portal-subsidy'),
  e('補助金申請に必要な書類は何ですか', 'FAQ-15', 'portal-subsidy'),
  e('領収書はどうやって添付しますか', 'FAQ-15', 'portal-subsidy'),
  e('領収書のファイル形式は何が使えますか', 'FAQ-15', 'paraphrase'),
  // FAQ-16 returned subsidy application
  e('補助金申請が差し戻されました', 'FAQ-16', 'portal-subsidy'),
  e('差し戻しの理由はどこで確認できますか', 'FAQ-16', 'paraphrase'),
  e('返却された補助金申請を再提出したい', 'FAQ-16', 'paraphrase'),
  // FAQ-17 large chain pharmacy
  e('大型チェーン薬局とは何ですか', 'FAQ-17', 'portal-subsidy'),
  e('うちの薬局は大型チェーンに当たりますか', 'FAQ-17', 'paraphrase'),
  e('処方箋が月4万回以上のグループとは', 'FAQ-17', 'paraphrase'),
  // FAQ-18 My Number
  e('マイナンバーをポータルサイトに入力する必要はありますか', 'FAQ-18', 'paraphrase'),
  e('個人番号はどこに保存されますか', 'FAQ-18', 'paraphrase'),
  e('患者のマイナンバーを登録しますか', 'FAQ-18', 'paraphrase'),
  // FAQ-19 when does it start
  e('オンライン資格確認はいつから始まりますか', 'FAQ-19', 'portal-obligation'),
  e('本格運用の開始日はいつですか', 'FAQ-19', 'seed'),
  e('プレ運用はいつからですか', 'FAQ-19', 'seed'),
  e('ほんかくうんようはいつから', 'FAQ-19', 'paraphrase'),
  // FAQ-20 session timeout
  e('ログインしてもすぐに切れてしまいます', 'FAQ-20', 'paraphrase'),
  e('セッションがタイムアウトしました', 'FAQ-20', 'paraphrase'),
  e('ログイン状態はどのくらい続きますか', 'FAQ-20', 'paraphrase'),
  // FAQ-21 account cost
  e('アカウント登録に費用はかかりますか', 'FAQ-21', 'portal-account'),
  e('ポータルサイトの年会費はいくらですか', 'FAQ-21', 'portal-account'),
  e('ポータルサイトの利用は無料ですか', 'FAQ-21', 'paraphrase'),
  e('登録するのにお金はかかる？', 'FAQ-21', 'paraphrase'),
  // FAQ-22 several institutions, one account?
  e('複数の保険医療機関を開設していますがアカウントは一つで足りますか', 'FAQ-22', 'portal-account'),
  e('医科と歯科を併設しています。アカウントは別々に必要ですか', 'FAQ-22', 'portal-account'),
  e('1つの施設で複数のメールアドレスを登録できますか', 'FAQ-22', 'portal-account'),
  e('別の施設で同じメールアドレスを使えますか', 'FAQ-22', 'paraphrase'),
  // FAQ-23 reader mandatory?
  e('顔認証付きカードリーダーは必ず導入する必要がありますか', 'FAQ-23', 'portal-readers'),
  e('カードリーダーの導入は義務ですか', 'FAQ-23', 'portal-readers'),
  e('カードリーダーがないと薬剤情報の閲覧の同意は取れませんか', 'FAQ-23', 'paraphrase'),
  // FAQ-24 online confirmation mandatory?
  e('オンライン資格確認は必ず導入しなければいけませんか', 'FAQ-24', 'portal-account'),
  e('オンライン資格確認の原則義務化はいつからですか', 'FAQ-24', 'portal-obligation'),
  e('療養担当規則の改正で義務になりましたか', 'FAQ-24', 'portal-obligation'),
  e('おんらいんしかくかくにんはぎむですか', 'FAQ-24', 'paraphrase'),
  // FAQ-25 beyond the free limit
  e('提供上限を超えるカードリーダーはどう注文しますか', 'FAQ-25', 'portal-readers'),
  e('病院で4台目のカードリーダーが欲しい', 'FAQ-25', 'portal-readers'),
  e('診療所で2台目を追加で購入したい', 'FAQ-25', 'paraphrase'),
  e('無償の台数を超える分は販売店で買えますか', 'FAQ-25', 'paraphrase'),
  // FAQ-26 works with any receipt computer?
  e('どの機種を選んでもレセコンと連携できますか', 'FAQ-26', 'portal-readers'),
  e('既存の電子カルテにつながらないメーカーはありますか', 'FAQ-26', 'portal-readers'),
  e(
    'カードリーダーのメーカーによって既存システムとの接続仕様は違いますか',
    'FAQ-26',
    'portal-readers',
  ),
  // FAQ-27 subsidy deadline
  e('補助金の申請期限はいつまでですか', 'FAQ-27', 'portal-subsidy'),
  e('補助金交付の申請に期間は決まっていますか', 'FAQ-27', 'portal-subsidy'),
  e('補助金はいつまでに申請すればいいですか', 'FAQ-27', 'portal-subsidy'),
  e('ほじょきんのしめきり', 'FAQ-27', 'paraphrase'),
  // FAQ-28 when to apply for the subsidy
  e('補助金はどのタイミングで申請しますか', 'FAQ-28', 'portal-subsidy'),
  e('補助金は事前申請ですか精算払いですか', 'FAQ-28', 'portal-subsidy'),
  e('システム改修の前に補助金を申請できますか', 'FAQ-28', 'portal-subsidy'),
  // FAQ-29 notify the branches?
  e('利用申請にあたって支払基金の支部に届出は必要ですか', 'FAQ-29', 'portal-usage'),
  e('国保連合会への届出はいりますか', 'FAQ-29', 'portal-usage'),
  e('都道府県の国民健康保険団体連合会に何か出す必要がありますか', 'FAQ-29', 'portal-usage'),
  // FAQ-30 what is the reader
  e('顔認証付きカードリーダーとは何ですか', 'FAQ-30', 'portal-readers'),
  e('顔認証付きカードリーダーはどういう仕組みですか', 'FAQ-30', 'portal-readers'),
  e('カードリーダーで本人確認はどうやってするのですか', 'FAQ-30', 'paraphrase'),
  e('顔認証がうまくいかないときはどうなりますか', 'FAQ-30', 'paraphrase'),

  // No answer in the FAQ: the portal's and vendors' questions on what this FAQ does not cover,
  // and questions that are not about the portal at all.
  e('利用申請に必要な回線の種別は何ですか', null, 'portal-usage'),
  e('IP-VPNとIPsec+IKEのどちらを選べばいいですか', null, 'portal-usage'),
  e('お客さまIDはどこで確認できますか', null, 'portal-usage'),
  e('疎通確認テストの開始予定年月は何を入れればいいですか', null, 'portal-usage'),
  e('医療機関コードが変わった場合（承継）の手続きは', null, 'portal-usage'),
  e('電子証明書の発行申請はどうすればいいですか', null, 'vendor-operations'),
  e('資格確認で「該当条件なし」と表示されるのはなぜですか', null, 'vendor-operations'),
  e('カードリーダーが赤く点滅して動きません', null, 'vendor-operations'),
  e('資格確認端末のデスクトップが表示されない', null, 'vendor-operations'),
  e('災害時医療情報の閲覧はどう使いますか', null, 'vendor-operations'),
  e('訪問看護でオンライン資格確認はできますか', null, 'vendor-operations'),
  e('マスタアカウントと管理アカウントの違いは何ですか', null, 'vendor-operations'),
  e('レセプトのオンライン請求を始めたい', null, 'vendor-operations'),
  e('カードリーダーはどこに届きますか', null, 'portal-readers'),
  e('カードリーダーはいつ届きますか', null, 'portal-readers'),
  e('カードリーダーが故障したときの保守は', null, 'portal-readers'),
  e('9.9万円を超えるカードリーダーを自分で買う場合は連絡が必要ですか', null, 'portal-readers'),
  e('一括申請のやり方を教えてください', null, 'portal-subsidy'),
  e('補助金はいつ振り込まれますか', null, 'portal-subsidy'),
  e('医療扶助の助成金も申請できますか', null, 'portal-subsidy'),
  e('電子処方箋の補助金について知りたい', null, 'portal-subsidy'),
  e('経過措置の猶予届出の出し方', null, 'portal-obligation'),
  e('患者の薬剤情報は何年分見られますか', null, 'off-topic'),
  e('マイナンバーカードの暗証番号を忘れた患者の対応', null, 'off-topic'),
  e('保険証の記号番号で資格確認するにはどうしますか', null, 'off-topic'),
  e('今日の天気は晴れですか', null, 'off-topic'),
  e('おすすめのランチを教えて', null, 'off-topic'),
  e('診療報酬の加算は算定できますか', null, 'off-topic'),
  e('職員の有給休暇は何日ですか', null, 'off-topic'),
  e('駐車場はありますか', null, 'off-topic'),
  e('マイナ保険証の利用率を上げる方法', null, 'off-topic'),
];
