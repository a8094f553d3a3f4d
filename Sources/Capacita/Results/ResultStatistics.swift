/// One participant's results, as the reports read them.
public struct ParticipantResult: Sendable, Equatable {
    public var agencyCode: String
    public var status: EnrollmentStatus
    public var attendance: Double?
    public var pre: Double?
    public var post: Double?
    public var finalScore: Double?
    /// Likert answers by reaction measure.
    public var reactions: [ResultMeasure: Int]

    public init(
        agencyCode: String, status: EnrollmentStatus, attendance: Double? = nil, pre: Double? = nil,
        post: Double? = nil,
        finalScore: Double? = nil, reactions: [ResultMeasure: Int] = [:]
    ) {
        self.agencyCode = agencyCode
        self.status = status
        self.attendance = attendance
        self.pre = pre
        self.post = post
        self.finalScore = finalScore
        self.reactions = reactions
    }
}

/// Counts, pass rate, reaction and learning gain of a set of participants (a group, a course).
public struct ResultStatistics: Sendable, Equatable, Encodable {
    /// Every enrollment, bajas included.
    public var enrolled: Int
    public var inscritos: Int
    public var acreditados: Int
    public var noAcreditados: Int
    public var bajas: Int
    /// Acreditados over participants with a decided status (acreditado or no acreditado); nil
    /// while no one has been decided.
    public var passRate: Double?
    public var reaction: [String: ReactionSummary]
    /// Participants with both pre and post.
    public var paired: Int
    public var meanPre: Double?
    public var meanPost: Double?
    /// Hake's class gain: (mean post − mean pre) / (100 − mean pre); nil when mean pre is 100.
    public var classGain: Double?
    /// The mean of individual gains (post − pre) / (100 − pre) over participants with pre < 100.
    public var meanIndividualGain: Double?
    public var individualGainCount: Int

    enum CodingKeys: String, CodingKey {
        case enrolled, inscritos, acreditados
        case noAcreditados = "no_acreditados"
        case bajas
        case passRate = "pass_rate"
        case reaction, paired
        case meanPre = "mean_pre"
        case meanPost = "mean_post"
        case classGain = "class_gain"
        case meanIndividualGain = "mean_individual_gain"
        case individualGainCount = "individual_gain_count"
    }

    /// Ratios (pass rate, gains) with `Exact.ratioPlaces`, scores with `Exact.percentPlaces`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enrolled, forKey: .enrolled)
        try container.encode(inscritos, forKey: .inscritos)
        try container.encode(acreditados, forKey: .acreditados)
        try container.encode(noAcreditados, forKey: .noAcreditados)
        try container.encode(bajas, forKey: .bajas)
        try container.encode(Rounded(passRate, places: Exact.ratioPlaces), forKey: .passRate)
        try container.encode(reaction, forKey: .reaction)
        try container.encode(paired, forKey: .paired)
        try container.encode(Rounded(meanPre, places: Exact.percentPlaces), forKey: .meanPre)
        try container.encode(Rounded(meanPost, places: Exact.percentPlaces), forKey: .meanPost)
        try container.encode(Rounded(classGain, places: Exact.ratioPlaces), forKey: .classGain)
        try container.encode(Rounded(meanIndividualGain, places: Exact.ratioPlaces), forKey: .meanIndividualGain)
        try container.encode(individualGainCount, forKey: .individualGainCount)
    }

    public static func of(_ participants: [ParticipantResult]) -> ResultStatistics {
        func count(_ status: EnrollmentStatus) -> Int { participants.filter { $0.status == status }.count }
        let acreditados = count(.acreditado)
        let noAcreditados = count(.noAcreditado)
        let decided = acreditados + noAcreditados
        var reaction: [String: ReactionSummary] = [:]
        for measure in ResultMeasure.allCases where measure.isReaction {
            reaction[measure.rawValue] = ReactionSummary(participants.compactMap { $0.reactions[measure] })
        }
        // Bajas left the course: their scores do not describe what it taught.
        let pairs = participants.filter { $0.status != .baja }.compactMap { p -> (Double, Double)? in
            guard let pre = p.pre, let post = p.post else { return nil }
            return (pre, post)
        }
        let meanPre = pairs.isEmpty ? nil : pairs.map(\.0).reduce(0, +) / Double(pairs.count)
        let meanPost = pairs.isEmpty ? nil : pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        var classGain: Double?
        if let meanPre, let meanPost, meanPre < 100 { classGain = (meanPost - meanPre) / (100 - meanPre) }
        let individual = pairs.filter { $0.0 < 100 }.map { ($0.1 - $0.0) / (100 - $0.0) }
        return ResultStatistics(
            enrolled: participants.count, inscritos: count(.inscrito), acreditados: acreditados,
            noAcreditados: noAcreditados,
            bajas: count(.baja), passRate: decided == 0 ? nil : Double(acreditados) / Double(decided),
            reaction: reaction,
            paired: pairs.count, meanPre: meanPre, meanPost: meanPost, classGain: classGain,
            meanIndividualGain: individual.isEmpty ? nil : individual.reduce(0, +) / Double(individual.count),
            individualGainCount: individual.count)
    }
}

/// Answers to one reaction question: mean and how many gave each value 1-5.
public struct ReactionSummary: Sendable, Equatable, Encodable {
    public var answers: Int
    public var mean: Double?
    /// Index 0 counts the answers 1, index 4 the answers 5.
    public var distribution: [Int]

    enum CodingKeys: String, CodingKey { case answers, mean, distribution }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(answers, forKey: .answers)
        try container.encode(Rounded(mean, places: Exact.percentPlaces), forKey: .mean)
        try container.encode(distribution, forKey: .distribution)
    }

    public init(_ values: [Int]) {
        answers = values.count
        mean = values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
        distribution = (1...5).map { value in values.filter { $0 == value }.count }
    }
}
