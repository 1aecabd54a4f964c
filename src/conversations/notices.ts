/**
 * The fixed messages the product sends without a model, in the person's language: English, Spanish,
 * French, German, Portuguese, Italian, Russian, Arabic, Hindi, Chinese and Japanese. An unknown
 * language gets English. Pure data; the language comes from the turn's understanding step.
 */
import { primaryLanguage } from './language';

export type NoticeName =
  | 'handoffRequested'
  | 'autoReleased'
  | 'refusal'
  | 'fallback'
  | 'cannotSee'
  | 'cannotHear'
  | 'cannotOpen'
  | 'mediaTooLarge'
  | 'mediaTypeRefused'
  | 'mediaUnavailable';

export const NOTICE_LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'ru', 'ar', 'hi', 'zh', 'ja'] as const;

export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const NOTICE_TEXTS: Record<NoticeName, Record<NoticeLanguage, string>> = {
  /** The person asked for a human, and the team has been told. */
  handoffRequested: {
    en: "I've asked a person from our team to join. They'll reply here soon.",
    es: 'He pedido a una persona de nuestro equipo que se una. Te responderá aquí pronto.',
    fr: "J'ai demandé à une personne de notre équipe de nous rejoindre. Elle vous répondra ici sous peu.",
    de: 'Ich habe eine Person aus unserem Team gebeten, dazuzukommen. Sie antwortet Ihnen bald hier.',
    pt: 'Pedi a uma pessoa da nossa equipe para participar. Ela vai responder aqui em breve.',
    it: 'Ho chiesto a una persona del nostro team di unirsi. Ti risponderà qui a breve.',
    ru: 'Я попросил сотрудника нашей команды подключиться. Он скоро ответит вам здесь.',
    ar: 'طلبتُ من أحد أعضاء فريقنا الانضمام. سيرد عليك هنا قريبًا.',
    hi: 'मैंने हमारी टीम के एक व्यक्ति को जुड़ने के लिए कहा है। वे जल्द ही यहाँ जवाब देंगे।',
    zh: '我已请我们团队的一位同事加入，他们很快会在这里回复您。',
    ja: 'チームの担当者に参加を依頼しました。まもなくこちらで返信いたします。',
  },
  /** Nobody from the team answered within the bot's handoff timeout: the bot is back. */
  autoReleased: {
    en: "Thanks for waiting. Nobody from our team is free right now, so I'm back to help. What can I do for you?",
    es: 'Gracias por esperar. Ahora mismo no hay nadie de nuestro equipo disponible, así que vuelvo a ayudarte yo. ¿Qué puedo hacer por ti?',
    fr: "Merci de votre patience. Personne de notre équipe n'est disponible pour le moment, je reprends donc la conversation. Que puis-je faire pour vous ?",
    de: 'Danke fürs Warten. Gerade ist niemand aus unserem Team frei, deshalb helfe ich wieder weiter. Was kann ich für Sie tun?',
    pt: 'Obrigado por esperar. No momento ninguém da nossa equipe está disponível, então voltei para ajudar. Como posso ajudar?',
    it: "Grazie per l'attesa. Al momento nessuno del nostro team è disponibile, quindi torno ad aiutarti io. Cosa posso fare per te?",
    ru: 'Спасибо за ожидание. Сейчас никто из нашей команды не свободен, поэтому я снова с вами. Чем могу помочь?',
    ar: 'شكرًا على انتظارك. لا يوجد أحد من فريقنا متاح الآن، لذا عدتُ لمساعدتك. كيف يمكنني مساعدتك؟',
    hi: 'इंतज़ार के लिए धन्यवाद। अभी हमारी टीम में कोई उपलब्ध नहीं है, इसलिए मैं फिर से मदद के लिए हाज़िर हूँ। मैं आपके लिए क्या कर सकता हूँ?',
    zh: '感谢您的耐心等待。我们团队目前没有人有空，所以由我继续为您服务。有什么可以帮您？',
    ja: 'お待たせしました。ただいまチームの担当者が対応できないため、引き続き私がお手伝いします。ご用件をお聞かせください。',
  },
  /** Moderation blocked the message, or the reply. */
  refusal: {
    en: "Sorry, I can't help with that message. If you think this is a mistake, please rephrase it.",
    es: 'Lo siento, no puedo ayudar con ese mensaje. Si crees que es un error, por favor reformúlalo.',
    fr: "Désolé, je ne peux pas donner suite à ce message. Si vous pensez qu'il s'agit d'une erreur, merci de le reformuler.",
    de: 'Entschuldigung, bei dieser Nachricht kann ich nicht helfen. Wenn Sie das für einen Irrtum halten, formulieren Sie sie bitte um.',
    pt: 'Desculpe, não posso ajudar com essa mensagem. Se achar que é um engano, por favor reformule.',
    it: 'Mi dispiace, non posso aiutarti con questo messaggio. Se pensi che sia un errore, prova a riformularlo.',
    ru: 'Извините, я не могу помочь с этим сообщением. Если вы считаете, что это ошибка, пожалуйста, переформулируйте его.',
    ar: 'عذرًا، لا يمكنني المساعدة في هذه الرسالة. إذا كنت تعتقد أن هذا خطأ، يُرجى إعادة صياغتها.',
    hi: 'माफ़ कीजिए, मैं इस संदेश में मदद नहीं कर सकता। अगर आपको लगता है कि यह गलती है, तो कृपया इसे दूसरे शब्दों में लिखें।',
    zh: '抱歉，我无法处理这条消息。如果您认为这是误判，请换一种说法。',
    ja: '申し訳ありませんが、このメッセージにはお答えできません。誤りだと思われる場合は、言い換えてお送りください。',
  },
  /** The default fallback reply, when the model keeps failing and the bot has no fallback of its own. */
  fallback: {
    en: "Sorry, I can't answer right now. Please try again in a little while.",
    es: 'Lo siento, ahora mismo no puedo responder. Inténtalo de nuevo en un rato.',
    fr: 'Désolé, je ne peux pas répondre pour le moment. Veuillez réessayer dans un petit moment.',
    de: 'Entschuldigung, ich kann gerade nicht antworten. Bitte versuchen Sie es in Kürze noch einmal.',
    pt: 'Desculpe, não consigo responder agora. Tente novamente daqui a pouco.',
    it: 'Mi dispiace, al momento non riesco a rispondere. Riprova tra poco.',
    ru: 'Извините, сейчас я не могу ответить. Пожалуйста, попробуйте чуть позже.',
    ar: 'عذرًا، لا أستطيع الرد الآن. يُرجى المحاولة مرة أخرى بعد قليل.',
    hi: 'माफ़ कीजिए, मैं अभी जवाब नहीं दे सकता। कृपया थोड़ी देर बाद फिर से कोशिश करें।',
    zh: '抱歉，我现在无法回答。请稍后再试。',
    ja: '申し訳ありませんが、ただいま回答できません。しばらくしてからもう一度お試しください。',
  },
  /** A photo, and a model that cannot see (or no model at all). */
  cannotSee: {
    en: "I can't look at images here. Could you tell me in words what it shows?",
    es: 'Aquí no puedo ver imágenes. ¿Podrías contarme con palabras lo que muestra?',
    fr: "Je ne peux pas voir les images ici. Pourriez-vous me décrire en quelques mots ce qu'elle montre ?",
    de: 'Ich kann hier keine Bilder ansehen. Könnten Sie mir in Worten sagen, was darauf zu sehen ist?',
    pt: 'Não consigo ver imagens aqui. Você pode me dizer em palavras o que ela mostra?',
    it: 'Qui non posso vedere le immagini. Puoi dirmi a parole cosa mostra?',
    ru: 'Я не могу просматривать изображения здесь. Не могли бы вы описать словами, что на нём?',
    ar: 'لا أستطيع رؤية الصور هنا. هل يمكنك أن تخبرني بالكلمات بما تُظهره؟',
    hi: 'मैं यहाँ तस्वीरें नहीं देख सकता। क्या आप शब्दों में बता सकते हैं कि उसमें क्या है?',
    zh: '我在这里无法查看图片。能用文字告诉我图片里是什么吗？',
    ja: 'ここでは画像を見ることができません。何が写っているか言葉で教えていただけますか？',
  },
  /** A voice message nobody could transcribe. */
  cannotHear: {
    en: "I can't listen to voice messages here. Could you type your message instead?",
    es: 'Aquí no puedo escuchar mensajes de voz. ¿Podrías escribir tu mensaje?',
    fr: "Je ne peux pas écouter les messages vocaux ici. Pourriez-vous plutôt écrire votre message ?",
    de: 'Ich kann hier keine Sprachnachrichten anhören. Könnten Sie Ihre Nachricht stattdessen schreiben?',
    pt: 'Não consigo ouvir mensagens de voz aqui. Você pode digitar sua mensagem?',
    it: 'Qui non posso ascoltare i messaggi vocali. Puoi scrivere il tuo messaggio?',
    ru: 'Я не могу прослушивать голосовые сообщения здесь. Не могли бы вы написать текстом?',
    ar: 'لا أستطيع الاستماع إلى الرسائل الصوتية هنا. هل يمكنك كتابة رسالتك بدلًا من ذلك؟',
    hi: 'मैं यहाँ वॉइस मैसेज नहीं सुन सकता। क्या आप अपना संदेश लिखकर भेज सकते हैं?',
    zh: '我在这里无法收听语音消息。能请您打字发送吗？',
    ja: 'ここでは音声メッセージを聞くことができません。文字で送っていただけますか？',
  },
  /** A video, a file or a sticker, with nothing in words. */
  cannotOpen: {
    en: "I can't open videos or files here. Could you tell me in words what you need?",
    es: 'Aquí no puedo abrir vídeos ni archivos. ¿Podrías decirme con palabras lo que necesitas?',
    fr: "Je ne peux pas ouvrir les vidéos ni les fichiers ici. Pourriez-vous me dire en quelques mots ce dont vous avez besoin ?",
    de: 'Ich kann hier keine Videos oder Dateien öffnen. Könnten Sie mir in Worten sagen, was Sie brauchen?',
    pt: 'Não consigo abrir vídeos nem arquivos aqui. Você pode me dizer em palavras do que precisa?',
    it: 'Qui non posso aprire video o file. Puoi dirmi a parole di cosa hai bisogno?',
    ru: 'Я не могу открывать видео и файлы здесь. Не могли бы вы написать словами, что вам нужно?',
    ar: 'لا أستطيع فتح مقاطع الفيديو أو الملفات هنا. هل يمكنك أن تخبرني بالكلمات بما تحتاجه؟',
    hi: 'मैं यहाँ वीडियो या फ़ाइलें नहीं खोल सकता। क्या आप शब्दों में बता सकते हैं कि आपको क्या चाहिए?',
    zh: '我在这里无法打开视频或文件。能用文字告诉我您需要什么吗？',
    ja: 'ここでは動画やファイルを開くことができません。ご用件を言葉で教えていただけますか？',
  },
  /** A file over its kind's size limit. */
  mediaTooLarge: {
    en: 'That file is too large for me to open. Could you send a smaller one, or tell me in words?',
    es: 'Ese archivo es demasiado grande para abrirlo. ¿Podrías enviar uno más pequeño o contármelo con palabras?',
    fr: "Ce fichier est trop volumineux pour que je l'ouvre. Pourriez-vous en envoyer un plus petit, ou me l'expliquer en quelques mots ?",
    de: 'Diese Datei ist zu groß für mich. Könnten Sie eine kleinere senden oder es mir in Worten sagen?',
    pt: 'Esse arquivo é grande demais para eu abrir. Você pode enviar um menor ou me dizer em palavras?',
    it: 'Questo file è troppo grande per me. Puoi inviarne uno più piccolo o dirmelo a parole?',
    ru: 'Этот файл слишком большой, я не могу его открыть. Не могли бы вы прислать файл поменьше или описать словами?',
    ar: 'هذا الملف كبير جدًا بحيث لا يمكنني فتحه. هل يمكنك إرسال ملف أصغر أو إخباري بالكلمات؟',
    hi: 'यह फ़ाइल मेरे खोलने के लिए बहुत बड़ी है। क्या आप छोटी फ़ाइल भेज सकते हैं, या शब्दों में बता सकते हैं?',
    zh: '这个文件太大，我无法打开。能发送一个小一点的文件，或者用文字告诉我吗？',
    ja: 'このファイルは大きすぎて開けません。小さいファイルを送るか、言葉で教えていただけますか？',
  },
  /** A file of a type the bot does not take (an executable, an archive). */
  mediaTypeRefused: {
    en: "I can't accept that kind of file. Images, voice messages, PDFs and documents are fine, or tell me in words.",
    es: 'No puedo aceptar ese tipo de archivo. Puedes enviar imágenes, mensajes de voz, PDF y documentos, o contármelo con palabras.',
    fr: "Je ne peux pas accepter ce type de fichier. Les images, messages vocaux, PDF et documents conviennent, ou dites-le-moi en quelques mots.",
    de: 'Diese Art von Datei kann ich nicht annehmen. Bilder, Sprachnachrichten, PDFs und Dokumente gehen, oder sagen Sie es mir in Worten.',
    pt: 'Não posso aceitar esse tipo de arquivo. Imagens, mensagens de voz, PDFs e documentos funcionam, ou me diga em palavras.',
    it: 'Non posso accettare questo tipo di file. Vanno bene immagini, messaggi vocali, PDF e documenti, oppure dimmelo a parole.',
    ru: 'Я не могу принять такой тип файла. Подойдут изображения, голосовые сообщения, PDF и документы — или напишите словами.',
    ar: 'لا يمكنني قبول هذا النوع من الملفات. الصور والرسائل الصوتية وملفات PDF والمستندات مقبولة، أو أخبرني بالكلمات.',
    hi: 'मैं इस तरह की फ़ाइल स्वीकार नहीं कर सकता। तस्वीरें, वॉइस मैसेज, PDF और दस्तावेज़ भेज सकते हैं, या शब्दों में बताएँ।',
    zh: '我无法接收这种类型的文件。可以发送图片、语音消息、PDF 和文档，或者用文字告诉我。',
    ja: 'この種類のファイルは受け付けられません。画像、音声メッセージ、PDF、文書なら大丈夫です。または言葉で教えてください。',
  },
  /** The download failed for good. */
  mediaUnavailable: {
    en: "I couldn't open what you sent. Could you try sending it again, or tell me in words?",
    es: 'No pude abrir lo que enviaste. ¿Podrías volver a enviarlo o contármelo con palabras?',
    fr: "Je n'ai pas pu ouvrir ce que vous avez envoyé. Pourriez-vous le renvoyer, ou me le dire en quelques mots ?",
    de: 'Ich konnte nicht öffnen, was Sie gesendet haben. Könnten Sie es noch einmal senden oder es mir in Worten sagen?',
    pt: 'Não consegui abrir o que você enviou. Pode tentar enviar de novo ou me dizer em palavras?',
    it: 'Non sono riuscito ad aprire quello che hai inviato. Puoi riprovare a inviarlo o dirmelo a parole?',
    ru: 'Мне не удалось открыть то, что вы отправили. Попробуйте отправить ещё раз или опишите словами.',
    ar: 'لم أتمكن من فتح ما أرسلته. هل يمكنك إرساله مرة أخرى أو إخباري بالكلمات؟',
    hi: 'आपने जो भेजा, मैं उसे खोल नहीं सका। क्या आप उसे फिर से भेज सकते हैं, या शब्दों में बता सकते हैं?',
    zh: '我无法打开您发送的内容。能再发送一次，或者用文字告诉我吗？',
    ja: '送っていただいたものを開けませんでした。もう一度送るか、言葉で教えていただけますか？',
  },
};

/** The notice in `language` (any BCP-47 tag), or in English when it is not one of ours. */
export function noticeIn(name: NoticeName, language: string | null | undefined): string {
  const texts: Partial<Record<string, string>> = NOTICE_TEXTS[name];
  return texts[primaryLanguage(language)] ?? NOTICE_TEXTS[name].en;
}

/**
 * The bot's fallback reply in the person's language: the default one is translated; one the bot's
 * admin wrote is theirs, and is sent as written.
 */
export function fallbackReplyIn(fallbackReply: string, language: string | null | undefined): string {
  return fallbackReply === NOTICE_TEXTS.fallback.en ? noticeIn('fallback', language) : fallbackReply;
}
