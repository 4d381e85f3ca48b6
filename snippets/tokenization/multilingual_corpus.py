"""A small multilingual sample written for this book: training text in eight languages,
deliberately unbalanced, and a parallel test set of six sentences in nine languages.

The training text mimics a web crawl's skew: many English sentences, fewer Spanish and
Russian ones, three each in Greek, Arabic, Hindi, Chinese and Japanese, and no Korean at
all, so that Korean shows what a byte-level tokenizer does with a script it never saw. The
test sentences say the same thing in every language (English first, the others
translated), so token counts can be compared across languages on equal content, as in
Petrov et al. (2023). No test sentence appears in the training text.

Simplifications: about 6,500 characters of training text; one writer's translations, plain
everyday register; enough to show the direction and rough size of the effects, far too
little to reproduce the numbers of production tokenizers.
"""

SCRIPTS = {"en": "Latin", "es": "Latin", "ru": "Cyrillic", "el": "Greek", "ar": "Arabic",
           "hi": "Devanagari", "zh": "Han", "ja": "Kana and Han", "ko": "Hangul"}

TRAIN = {
    "en": (
        "The weather was cold this morning, so I took the bus instead of walking.",
        "She works at a small hospital near the river and starts early every day.",
        "Our neighbours have a garden full of tomatoes, beans and sunflowers.",
        "The meeting was moved to Thursday because the manager was travelling.",
        "He forgot his keys at the office and had to wait outside for an hour.",
        "Most people in the village know each other by name.",
        "The museum has a new exhibition about the history of the city.",
        "We cooked rice with vegetables and ate dinner on the balcony.",
        "The price of coffee has gone up again this year.",
        "I called my grandmother on Sunday and she told me about her week.",
        "The students finished their project two days before the deadline.",
        "There is a bakery at the corner of the street that sells warm bread.",
        "The road to the airport was closed after the storm.",
        "My brother is learning to play the guitar and practises every evening.",
        "They opened a new school in the north of the town last autumn.",
        "The shop sells books, maps and postcards for tourists.",
        "After lunch we walked along the beach and looked for shells.",
        "The bridge over the river was built more than a hundred years ago.",
        "Please send me the report when you have time.",
        "The children played football in the park until it got dark.",
        "Our train was late, so we missed the start of the concert.",
        "She reads the news on her phone while she drinks her tea.",
        "The new hospital will open next spring with three hundred beds.",
        "He bought a second-hand bicycle from a friend at work.",
        "The kitchen is small, but it gets a lot of light in the morning.",
        "We visited the old castle and took many photographs.",
        "The teacher asked the class to write a short story about their family.",
        "In winter the lake freezes and people skate on it.",
        "The farmers sell cheese, eggs and honey at the weekly market.",
        "I would like to learn another language next year.",
    ),
    "es": (
        "El tiempo estaba frío esta mañana, así que tomé el autobús.",
        "Ella trabaja en un hospital pequeño cerca del río.",
        "Nuestros vecinos tienen un jardín lleno de tomates y girasoles.",
        "La reunión se cambió al jueves porque el director estaba de viaje.",
        "La mayoría de la gente del pueblo se conoce por su nombre.",
        "El museo tiene una exposición nueva sobre la historia de la ciudad.",
        "Cocinamos arroz con verduras y cenamos en el balcón.",
        "Los estudiantes terminaron su proyecto dos días antes de la fecha límite.",
        "Hay una panadería en la esquina que vende pan caliente.",
        "Los niños jugaron al fútbol en el parque hasta que oscureció.",
    ),
    "ru": (
        "Утром было холодно, поэтому я поехал на автобусе.",
        "Она работает в небольшой больнице недалеко от реки.",
        "У наших соседей есть сад, полный помидоров и подсолнухов.",
        "Собрание перенесли на четверг, потому что директор был в командировке.",
        "В музее открылась новая выставка об истории города.",
        "Дети играли в футбол в парке, пока не стемнело.",
    ),
    "el": (
        "Το πρωί έκανε κρύο, οπότε πήρα το λεωφορείο.",
        "Εργάζεται σε ένα μικρό νοσοκομείο κοντά στο ποτάμι.",
        "Τα παιδιά έπαιζαν ποδόσφαιρο στο πάρκο μέχρι να νυχτώσει.",
    ),
    "ar": (
        "كان الطقس باردًا هذا الصباح، فركبت الحافلة.",
        "تعمل في مستشفى صغير قرب النهر.",
        "لعب الأطفال كرة القدم في الحديقة حتى حلول الظلام.",
    ),
    "hi": (
        "आज सुबह ठंड थी, इसलिए मैं बस से गया।",
        "वह नदी के पास एक छोटे अस्पताल में काम करती है।",
        "बच्चे अँधेरा होने तक पार्क में फ़ुटबॉल खेलते रहे।",
    ),
    "zh": (
        "今天早上很冷，所以我坐公共汽车去了。",
        "她在河边的一家小医院工作。",
        "孩子们在公园里踢足球，一直踢到天黑。",
    ),
    "ja": (
        "今朝は寒かったので、バスに乗りました。",
        "彼女は川の近くの小さな病院で働いています。",
        "子どもたちは暗くなるまで公園でサッカーをしました。",
    ),
}

TEST = {
    "en": (
        "The library opens at nine in the morning and closes at six in the evening.",
        "My sister bought fresh bread and two kilos of apples at the market.",
        "If it rains tomorrow, the train will leave an hour later.",
        "Children learn new words quickly when they read every day.",
        "The doctor said that I should drink more water and sleep eight hours.",
        "We are planning a short trip to the mountains at the end of the month.",
    ),
    "es": (
        "La biblioteca abre a las nueve de la mañana y cierra a las seis de la tarde.",
        "Mi hermana compró pan fresco y dos kilos de manzanas en el mercado.",
        "Si mañana llueve, el tren saldrá una hora más tarde.",
        "Los niños aprenden palabras nuevas rápidamente cuando leen todos los días.",
        "El médico dijo que debería beber más agua y dormir ocho horas.",
        "Estamos planeando un viaje corto a las montañas a finales de mes.",
    ),
    "ru": (
        "Библиотека открывается в девять утра и закрывается в шесть вечера.",
        "Моя сестра купила на рынке свежий хлеб и два килограмма яблок.",
        "Если завтра пойдёт дождь, поезд отправится на час позже.",
        "Дети быстро учат новые слова, когда читают каждый день.",
        "Врач сказал, что мне нужно пить больше воды и спать восемь часов.",
        "В конце месяца мы планируем короткую поездку в горы.",
    ),
    "el": (
        "Η βιβλιοθήκη ανοίγει στις εννέα το πρωί και κλείνει στις έξι το απόγευμα.",
        "Η αδελφή μου αγόρασε φρέσκο ψωμί και δύο κιλά μήλα στην αγορά.",
        "Αν βρέξει αύριο, το τρένο θα φύγει μία ώρα αργότερα.",
        "Τα παιδιά μαθαίνουν γρήγορα νέες λέξεις όταν διαβάζουν κάθε μέρα.",
        "Ο γιατρός είπε ότι πρέπει να πίνω περισσότερο νερό και να κοιμάμαι οκτώ ώρες.",
        "Σχεδιάζουμε ένα σύντομο ταξίδι στα βουνά στο τέλος του μήνα.",
    ),
    "ar": (
        "تفتح المكتبة في التاسعة صباحًا وتغلق في السادسة مساءً.",
        "اشترت أختي من السوق خبزًا طازجًا وكيلوغرامين من التفاح.",
        "إذا أمطرت غدًا فسيغادر القطار متأخرًا ساعة.",
        "يتعلم الأطفال كلمات جديدة بسرعة عندما يقرؤون كل يوم.",
        "قال الطبيب إنه يجب أن أشرب المزيد من الماء وأنام ثماني ساعات.",
        "نخطط لرحلة قصيرة إلى الجبال في نهاية الشهر.",
    ),
    "hi": (
        "पुस्तकालय सुबह नौ बजे खुलता है और शाम छह बजे बंद होता है।",
        "मेरी बहन ने बाज़ार से ताज़ी रोटी और दो किलो सेब खरीदे।",
        "अगर कल बारिश हुई, तो ट्रेन एक घंटा देर से चलेगी।",
        "जब बच्चे हर दिन पढ़ते हैं, तो वे नए शब्द जल्दी सीखते हैं।",
        "डॉक्टर ने कहा कि मुझे ज़्यादा पानी पीना चाहिए और आठ घंटे सोना चाहिए।",
        "हम महीने के अंत में पहाड़ों की एक छोटी यात्रा की योजना बना रहे हैं।",
    ),
    "zh": (
        "图书馆早上九点开门，晚上六点关门。",
        "我姐姐在市场上买了新鲜的面包和两公斤苹果。",
        "如果明天下雨，火车会晚一个小时出发。",
        "孩子们每天读书，就能很快学会新词。",
        "医生说我应该多喝水，每天睡八个小时。",
        "我们打算月底去山里短途旅行。",
    ),
    "ja": (
        "図書館は朝九時に開き、夕方六時に閉まります。",
        "姉は市場で新鮮なパンとりんごを二キロ買いました。",
        "明日雨が降ったら、電車は一時間遅れて出発します。",
        "子どもは毎日本を読むと、新しい言葉をすぐに覚えます。",
        "医者は、もっと水を飲んで八時間寝るようにと言いました。",
        "月末に山へ短い旅行に行く予定です。",
    ),
    "ko": (
        "도서관은 아침 아홉 시에 문을 열고 저녁 여섯 시에 문을 닫습니다.",
        "언니는 시장에서 신선한 빵과 사과 두 킬로를 샀습니다.",
        "내일 비가 오면 기차는 한 시간 늦게 출발합니다.",
        "아이들은 매일 책을 읽으면 새로운 단어를 빨리 배웁니다.",
        "의사는 내가 물을 더 많이 마시고 여덟 시간 자야 한다고 말했습니다.",
        "우리는 이달 말에 산으로 짧은 여행을 계획하고 있습니다.",
    ),
}
